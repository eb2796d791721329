using System.Collections.Concurrent;
using ContentPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Api.Auth;

// Whether the user of a valid token still exists. Every authenticated request asks, so a user found in the database
// is remembered for Lifetime: a deleted user is refused within that time on every Api process (a user never
// found is asked about every time). At most Capacity users are remembered; past that the memory starts afresh.
public sealed class KnownUsers(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _foundUntil = new();

    // The database context is taken from the request's services only when the database is asked.
    public async ValueTask<bool> ExistsAsync(Guid userId, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_foundUntil.TryGetValue(userId, out var until) && now < until)
        {
            return true;
        }
        if (!await requestServices.GetRequiredService<ContentDbContext>().Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            _foundUntil.TryRemove(userId, out _);
            return false;
        }
        if (_foundUntil.Count >= Capacity)
        {
            _foundUntil.Clear();
        }
        _foundUntil[userId] = now + Lifetime;
        return true;
    }
}
