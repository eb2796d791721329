using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.PostgreSQL;
using Npgsql;

namespace ContentPlatform.Hosting.Servers;

public sealed record PostgresServerOptions(string DataDirectory, int Port, string Password)
{
    // Throwaway clusters (tests, benchmarks) trade durability for speed.
    public bool Durable { get; init; } = true;
}

// A throwaway PostgreSQL server for tests and benchmarks, run as a child process with the AppHost resource's own set-up.
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private PostgresServer(PostgresServerOptions options, ChildProcess process)
    {
        Options = options;
        _process = process;
    }

    public PostgresServerOptions Options { get; }
    public ChildProcess Process => _process;
    public string ConnectionString => ConnectionStringFor(Options.Port, Options.Password);

    public static string ConnectionStringFor(int port, string password) => PostgresCluster.ConnectionStringFor(port, password);

    public string ConnectionStringFor(string database) => $"{ConnectionString};Database={database}";

    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        var bin = PostgresCluster.BinDirectory();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        if (!PostgresCluster.IsInitialized(dataDirectory))
        {
            await PostgresCluster.InitializeAsync(bin, dataDirectory, options.Password, onOutput, cancellationToken);
        }

        var (command, prefix) = PostgresCluster.ServerCommand(bin);
        // SIGINT is PostgreSQL's fast shutdown: the right signal if we die without stopping it.
        var process = ChildProcess.Start(
            new ChildProcessSpec(command, [.. prefix, .. PostgresCluster.ServerArguments(dataDirectory, options.Durable), options.Port.ToString()])
            {
                ParentDeathSignal = "INT",
            },
            onOutput);
        var server = new PostgresServer(options with { DataDirectory = dataDirectory }, process);
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public Task CreateDatabaseIfMissingAsync(string database, CancellationToken cancellationToken) =>
        PostgresCluster.CreateDatabaseIfMissingAsync(ConnectionString, database, cancellationToken);

    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(20), Signals.Int);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"PostgreSQL exited with code {_process.ExitCode} while starting; see its output above.");
            }
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString + ";Timeout=2;Pooling=false");
                await connection.OpenAsync(timeout.Token);
                return;
            }
            catch (NpgsqlException)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
    }
}
