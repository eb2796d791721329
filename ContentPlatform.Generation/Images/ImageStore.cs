using System.Security.Cryptography;
using ContentPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Generation.Images;

// Images live in PostgreSQL (bytea), stored once per distinct content.
public sealed class ImageStore(ContentDbContext db, TimeProvider time)
{
    public async Task<Guid> SaveAsync(byte[] bytes, string contentType, int width, int height, CancellationToken cancellationToken)
    {
        var sha256 = SHA256.HashData(bytes);
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow().UtcDateTime;
        // A no-op update on conflict makes RETURNING give the existing row's id in the same statement.
        var ids = await db.Database.SqlQuery<Guid>($"""
            insert into images (id, content_type, bytes, sha256, width, height, created_at)
            values ({id}, {contentType}, {bytes}, {sha256}, {width}, {height}, {now})
            on conflict (sha256) do update set sha256 = excluded.sha256
            returning id as "Value"
            """).ToListAsync(cancellationToken);
        return ids.Single();
    }
}
