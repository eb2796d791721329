using ContentPlatform.Jobs;
using ContentPlatform.Tests.Infrastructure;

namespace ContentPlatform.Tests.Jobs;

// Readers of job and user events leave nothing behind when they go: memory follows current subscribers.
public sealed class JobEventsMemoryTests : IAsyncLifetime
{
    private JobEngineHost _engine = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        _engine = await JobEngineHost.StartAsync(
            await servers.CreateDatabaseAsync("events"), servers.Redis.ConnectionString, $"t{Guid.NewGuid():N}:");
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task One_hundred_thousand_subscribe_and_unsubscribe_cycles_from_many_threads_leave_no_entry()
    {
        var subscribers = new Subscribers<object>();
        var keys = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToArray();

        await Parallel.ForAsync(0, 100_000, async (i, _) =>
        {
            var key = keys[i % keys.Length];
            var subscriber = new object();
            subscribers.Add(key, subscriber);
            Assert.Contains(subscriber, subscribers.Of(key));
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }
            subscribers.Remove(key, subscriber);
        });

        Assert.Equal(0, subscribers.KeyCount);
    }

    [Fact]
    public async Task Readers_of_jobs_and_users_that_leave_remove_their_entries()
    {
        const int Readers = 500;

        for (var i = 0; i < Readers; i++)
        {
            // A job that does not exist: the reader looks at the row and leaves.
            await foreach (var _ in _engine.Events.ReadAsync(Guid.NewGuid(), afterEventId: null, CancellationToken.None))
            {
            }
            var listening = await _engine.Events.ListenUserAsync(Guid.NewGuid(), _ => { });
            Assert.Equal(1, _engine.Events.WatchedKeyCount);
            listening.Dispose();
        }

        Assert.Equal(0, _engine.Events.WatchedKeyCount);
    }
}
