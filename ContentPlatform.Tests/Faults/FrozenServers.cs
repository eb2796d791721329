using ContentPlatform.Hosting.Servers;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Hosting;
using ContentPlatform.Tests.Infrastructure;
using Npgsql;

namespace ContentPlatform.Tests.Faults;

// The real Api on a PostgreSQL and a Redis of its own, which the tests freeze whole (FrozenServer) and thaw again.
public sealed class FrozenServersFactory : ApiFactory
{
    private PostgresServer? _postgres;
    private RedisServer? _redis;

    public PostgresServer Postgres => _postgres ?? throw new InvalidOperationException("Not started.");
    public RedisServer RedisServer => _redis ?? throw new InvalidOperationException("Not started.");

    public override async Task InitializeAsync()
    {
        var root = TestServers.NewTempDirectory("faults");
        var password = Guid.NewGuid().ToString("N");
        _postgres = await PostgresServer.StartAsync(
            new PostgresServerOptions(Path.Combine(root, "postgres"), TestServers.FreePort(), password) { Durable = false },
            onOutput: null, CancellationToken.None);
        _redis = await RedisServer.StartAsync(
            new RedisServerOptions(Path.Combine(root, "redis"), TestServers.FreePort(), password) { Durable = false },
            onOutput: null, CancellationToken.None);
        await _postgres.CreateDatabaseIfMissingAsync("faults", CancellationToken.None);
        Database = _postgres.ConnectionStringFor("faults");
        Redis = _redis.ConnectionString;
    }

    public override async ValueTask DisposeAsync()
    {
        FrozenServer.Thaw(_postgres?.Process);
        FrozenServer.Thaw(_redis?.Process);
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    // Rows in the jobs table, read on a connection of the test's own.
    public async Task<long> CountJobsAsync()
    {
        await using var connection = new NpgsqlConnection(Database + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from jobs", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
