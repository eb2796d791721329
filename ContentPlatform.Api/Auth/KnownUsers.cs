using System.Collections.Concurrent;
using ContentPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Api.Auth;

// Whether the user of a valid token still exists. Every authenticated request asks, so a user found in the database
// is remembered for Lifetime: a deleted user is refused within that time on every Api process (a user never
// found is asked about every time). At most Capacity users are remembered; past that the memory starts afresh.
public sealed class KnownUsers(TimeProvider time, IServiceScopeFactory scopes)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _foundUntil = new();

    public async ValueTask<bool> ExistsAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_foundUntil.TryGetValue(userId, out var until) && now < until)
        {
            return true;
        }
        if (!await UserRowExistsAsync(userId, cancellationToken))
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

    // In a scope of its own, not the request's: a request that stays open (an event stream, for hours) kept the pooled
    // database context it was asked with for as long as it lasted, about 20 KB per connection of 10,000 users.
    private async Task<bool> UserRowExistsAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ContentDbContext>().Users.AnyAsync(u => u.Id == userId, cancellationToken);
    }
}
