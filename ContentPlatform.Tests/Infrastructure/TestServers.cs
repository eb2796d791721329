using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Servers;
using Npgsql;

namespace ContentPlatform.Tests.Infrastructure;

// One throwaway PostgreSQL and one Redis for the whole test run, started with the AppHost's own server code
// on free ports. Test classes isolate themselves with a database of their own and a Redis key prefix.
public sealed class TestServers
{
    private static readonly Lazy<Task<TestServers>> Shared = new(StartAsync);

    private TestServers(PostgresServer postgres, RedisServer redis, string root)
    {
        Postgres = postgres;
        Redis = redis;
        Root = root;
    }

    public PostgresServer Postgres { get; }
    public RedisServer Redis { get; }
    public string Root { get; }

    public static Task<TestServers> GetAsync() => Shared.Value;

    // A fresh, empty database; its connection string in the form Aspire injects.
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await Postgres.CreateDatabaseIfMissingAsync(name, CancellationToken.None);
        return Postgres.ConnectionStringFor(name);
    }

    public static int FreePort() => Ports.GetFree();

    public static string NewTempDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "contentplatform-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static async Task<TestServers> StartAsync()
    {
        var root = NewTempDirectory("servers");
        var password = Guid.NewGuid().ToString("N");
        var postgres = await PostgresServer.StartAsync(
            new PostgresServerOptions(Path.Combine(root, "postgres"), FreePort(), password) { Durable = false },
            onOutput: null, CancellationToken.None);
        var redis = await RedisServer.StartAsync(
            new RedisServerOptions(Path.Combine(root, "redis"), FreePort(), password) { Durable = false },
            onOutput: null, CancellationToken.None);

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            NpgsqlConnection.ClearAllPools();
            Task.WaitAll(redis.StopAsync(), postgres.StopAsync());
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it lives under the temp folder.
            }
        };
        return new TestServers(postgres, redis, root);
    }
}
