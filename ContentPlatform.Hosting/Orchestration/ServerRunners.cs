using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Servers;
using Npgsql;
using StackExchange.Redis;

namespace ContentPlatform.Hosting.Orchestration;

internal sealed class PostgresServerRunner(PostgresServerResource postgres, RunnerContext context)
    : SingleInstanceRunner(postgres, "PostgresServer", postgres.IsExisting, ServerEndpoints(postgres.IsExisting, postgres.Port), context)
{
    private PostgresServer? _server;

    protected override async Task<ChildProcess?> StartCoreAsync(CancellationToken cancellationToken)
    {
        var options = new PostgresServerOptions(PrepareServer(postgres.Port), postgres.Port, postgres.Password.Value);
        _server = await PostgresServer.StartAsync(options, Output, cancellationToken);
        return _server.Process;
    }

    // When every database is an existing one there is no server of ours to check; the databases check theirs.
    protected override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        postgres.IsExisting ? Task.FromResult(true) : PostgresChecks.CanQueryAsync(postgres.ConnectionString, cancellationToken);

    protected override Task StopCoreAsync() => _server?.StopAsync() ?? Task.CompletedTask;
}

internal sealed class PostgresDatabaseRunner(PostgresDatabaseResource database, RunnerContext context)
    : SingleInstanceRunner(database, "PostgresDatabase", database.IsExisting, [], context)
{
    protected override async Task<ChildProcess?> StartCoreAsync(CancellationToken cancellationToken)
    {
        await PostgresServer.CreateDatabaseIfMissingAsync(database.Server.ConnectionString, database.DatabaseName, cancellationToken);
        return null;
    }

    protected override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        PostgresChecks.CanQueryAsync(database.ConnectionString, cancellationToken);
}

internal sealed class RedisRunner(RedisResource redis, RunnerContext context)
    : SingleInstanceRunner(redis, "Redis", redis.IsExisting, ServerEndpoints(redis.IsExisting, redis.Port), context)
{
    private RedisServer? _server;
    private ConnectionMultiplexer? _connection;

    protected override async Task<ChildProcess?> StartCoreAsync(CancellationToken cancellationToken)
    {
        var options = new RedisServerOptions(PrepareServer(redis.Port), redis.Port, redis.Password.Value);
        _server = await RedisServer.StartAsync(options, Output, cancellationToken);
        return _server.Process;
    }

    protected override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = (int)CheckTimeout.TotalMilliseconds;
        _connection ??= await ConnectionMultiplexer.ConnectAsync(options);
        await _connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        return _connection.IsConnected;
    }

    protected override async Task StopCoreAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }
}

// Passed on as configured; there is nothing to start or to check.
internal sealed class ConnectionStringRunner(ConnectionStringResource resource, RunnerContext context)
    : SingleInstanceRunner(resource, "ConnectionString", isExisting: true, [], context)
{
    protected override Task<ChildProcess?> StartCoreAsync(CancellationToken cancellationToken) => Task.FromResult<ChildProcess?>(null);

    protected override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}

internal static class PostgresChecks
{
    public static async Task<bool> CanQueryAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=3");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select 1", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is 1;
    }
}
