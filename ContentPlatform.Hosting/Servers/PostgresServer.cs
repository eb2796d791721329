using ContentPlatform.Hosting.Processes;
using Npgsql;

namespace ContentPlatform.Hosting.Servers;

public sealed record PostgresServerOptions(string DataDirectory, int Port, string Password)
{
    // Throwaway clusters (tests, benchmarks) trade durability for speed.
    public bool Durable { get; init; } = true;
}

// A PostgreSQL server run from the machine's binaries as a child process, its cluster kept in DataDirectory.
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";

    private readonly ChildProcess _process;

    private PostgresServer(PostgresServerOptions options, ChildProcess process)
    {
        Options = options;
        _process = process;
    }

    public PostgresServerOptions Options { get; }
    public ChildProcess Process => _process;
    public string ConnectionString => ConnectionStringFor(Options.Port, Options.Password);

    // The form Aspire's PostgreSQL integration produces for a server; a database appends ";Database={name}".
    public static string ConnectionStringFor(int port, string password) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Password={password}";

    public string ConnectionStringFor(string database) => $"{ConnectionString};Database={database}";

    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        var bin = ServerBinaries.FindPostgresBinDirectory()
            ?? throw ServerBinaries.Missing("PostgreSQL (the `postgres` and `initdb` programs)", "postgresql", "contentdb");
        // PostgreSQL refuses to run as root: the cluster then belongs to, and the server runs as, the postgres user.
        var runAs = Environment.IsPrivilegedProcess ? ServiceUser : null;

        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        if (runAs is not null)
        {
            EnsureReachableByOtherUsers(dataDirectory);
        }
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeClusterAsync(bin, dataDirectory, options.Password, runAs, onOutput, cancellationToken);
        }

        List<string> arguments =
        [
            "-D", dataDirectory, "-p", options.Port.ToString(), "-k", dataDirectory,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
        ];
        if (!options.Durable)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        // SIGINT is PostgreSQL's fast shutdown: the right signal if we die without stopping it.
        var process = ChildProcess.Start(
            new ChildProcessSpec(Path.Combine(bin, "postgres"), arguments) { RunAsUser = runAs, ParentDeathSignal = "INT" },
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
        CreateDatabaseIfMissingAsync(ConnectionString, database, cancellationToken);

    public static async Task CreateDatabaseIfMissingAsync(string serverConnectionString, string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is quoted and comes from our own app model.
            await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

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

    // As root, the server runs as the postgres user, who must be able to walk down to the data directory
    // (a clone under /root, for example, is out of its reach).
    private static void EnsureReachableByOtherUsers(string dataDirectory)
    {
        for (var directory = Path.GetDirectoryName(dataDirectory); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (Directory.Exists(directory) && !OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(directory) & UnixFileMode.OtherExecute) == 0)
            {
                throw new ServerSetupException(
                    $"PostgreSQL refuses to run as root, so it runs as the `{ServiceUser}` user, who cannot reach {dataDirectory}: " +
                    $"{directory} is closed to other users. Keep the state somewhere it can reach, e.g. AppHost__StateDirectory=/var/tmp/contentplatform, " +
                    $"or open the folder with `chmod o+x {directory}`.");
            }
        }
    }

    private static async Task InitializeClusterAsync(string bin, string dataDirectory, string password, string? runAs, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var passwordFile = Path.Combine(Path.GetTempPath(), $"pgpass-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", [$"{runAs}:{runAs}", dataDirectory, passwordFile], null, onOutput, cancellationToken);
            }
            await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", dataDirectory, "-U", "postgres", $"--pwfile={passwordFile}", "--auth-local=trust",
                 "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"],
                runAs, onOutput, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string? runAs, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        var output = new List<string>();
        await using var process = ChildProcess.Start(new ChildProcessSpec(fileName, arguments) { RunAsUser = runAs }, line =>
        {
            lock (output)
            {
                output.Add(line);
            }
            onOutput?.Invoke(line);
        });
        await process.Exited.WaitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} failed with exit code {process.ExitCode}: {string.Join('\n', output)}");
        }
    }
}
