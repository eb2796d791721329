using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ContentPlatform.Hosting.PostgreSQL;
using ContentPlatform.Hosting.Redis;
using ContentPlatform.Hosting.Servers;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace ContentPlatform.Tests.Hosting;

// The AppHost's PostgreSQL and Redis resources, run by Aspire from the AppHost's own model (the Api and Workers
// taken out), on state a newcomer's machine really has: a checkout the postgres user cannot reach, a large
// append-only file left by heavy use.
[Collection(RealProcesses.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalServerResourceTests
{
    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task Postgres_keeps_its_data_where_the_postgres_user_can_reach_it_when_the_checkout_is_closed_to_it()
    {
        Assert.True(Environment.IsPrivilegedProcess, "The tests run as root: only then does PostgreSQL run as the postgres user.");
        // A clone under /root: a checkout inside a folder other users cannot enter, with no AppHost:StateDirectory.
        var home = TestServers.NewTempDirectory("closed-home");
        File.SetUnixFileMode(home, OwnerOnly);
        var appHostDirectory = Path.Combine(home, "contentplatform", "ContentPlatform.AppHost");
        Directory.CreateDirectory(appHostDirectory);

        string? dataDirectory = null;
        try
        {
            await using (var first = await AppHostUnderTest.StartOnlyAsync(appHostDirectory, stateDirectory: null, "postgres", "contentdb"))
            {
                dataDirectory = first.Services.GetRequiredService<DistributedApplicationModel>().Resources
                    .OfType<LocalPostgresResource>().Single().DataDirectory;
                Assert.StartsWith(PostgresCluster.SharedDataRoot + "/", dataDirectory);
                await first.WaitUntilHealthyAsync("postgres", "contentdb");
                await using var connection = new NpgsqlConnection(await first.GetConnectionStringAsync("contentdb"));
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("create table kept (value text); insert into kept values ('from the first start')", connection);
                await create.ExecuteNonQueryAsync();
                await first.StopAsync();
            }
            NpgsqlConnection.ClearAllPools();

            await using var second = await AppHostUnderTest.StartOnlyAsync(appHostDirectory, stateDirectory: null, "postgres", "contentdb");
            await second.WaitUntilHealthyAsync("postgres", "contentdb");
            await using var reconnect = new NpgsqlConnection(await second.GetConnectionStringAsync("contentdb"));
            await reconnect.OpenAsync();
            await using var read = new NpgsqlCommand("select value from kept", reconnect);
            Assert.Equal("from the first start", await read.ExecuteScalarAsync());
            await second.StopAsync();

            // The user's folder was never opened up; the relocated cluster is the postgres user's alone.
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(home));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(dataDirectory));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            // {SharedDataRoot}/{hash of the checkout}/postgres: the hash folder is this test's own.
            if (dataDirectory is not null && Path.GetDirectoryName(dataDirectory) is { } checkoutFolder && Directory.Exists(checkoutFolder))
            {
                Directory.Delete(checkoutFolder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Redis_loading_a_large_append_only_file_is_starting_not_failed_and_gets_healthy_with_every_key()
    {
        const int keys = 400_000;
        var state = AppHostUnderTest.NewStateDirectory();
        var redisDirectory = Path.Combine(state, "redis");
        // Heavy use leaves an append-only file of tens of MB; the AppHost's Redis later starts on it.
        await using (var writer = await RedisServer.StartAsync(
            new RedisServerOptions(redisDirectory, TestServers.FreePort(), "fill"), onOutput: null, CancellationToken.None))
        {
            // 40 MB in one pipeline can outlast the default 5 s command timeout when other work holds both cores.
            var fill = ConfigurationOptions.Parse(writer.ConnectionString);
            fill.AsyncTimeout = (int)TimeSpan.FromMinutes(2).TotalMilliseconds;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(fill);
            var batch = connection.GetDatabase().CreateBatch();
            var value = new string('x', 100);
            var writes = Enumerable.Range(0, keys).Select(i => batch.StringSetAsync($"key:{i}", value)).ToList();
            batch.Execute();
            await Task.WhenAll(writes);
        }
        var appendOnlyBytes = Directory.EnumerateFiles(redisDirectory, "appendonly*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
        Assert.True(appendOnlyBytes > 40_000_000, $"append-only file of {appendOnlyBytes} bytes");

        await using var app = await AppHostUnderTest.StartOnlyAsync(appHostDirectory: null, state, "redis");
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var states = new List<string>();
        using var stopWatching = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in notifications.WatchAsync(stopWatching.Token))
                {
                    if (e.Resource.Name == "redis" && e.Snapshot.State?.Text is { } text)
                    {
                        lock (states)
                        {
                            states.Add(text);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Watched until healthy.
            }
        });

        await app.WaitUntilHealthyAsync("redis");
        await stopWatching.CancelAsync();
        await watching;

        lock (states)
        {
            Assert.Contains(KnownResourceStates.Running, states);
            Assert.DoesNotContain(states, s => s == KnownResourceStates.FailedToStart || s == KnownResourceStates.Exited || s == KnownResourceStates.Finished);
        }
        await using var reader = await ConnectionMultiplexer.ConnectAsync(await app.GetConnectionStringAsync("redis") ?? "");
        Assert.Equal(keys, await reader.GetServers().Single().DatabaseSizeAsync());
        await app.StopAsync();
    }
}
