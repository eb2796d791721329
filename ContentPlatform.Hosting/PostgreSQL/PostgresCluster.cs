using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ContentPlatform.Hosting.PostgreSQL;

// What it takes to run PostgreSQL from the machine's binaries, shared by the AppHost's resource and the
// throwaway servers of tests and benchmarks: finding the binaries, initdb, the server's command line.
public static class PostgresCluster
{
    public const string ServiceUser = "postgres";

    // Where a root AppHost keeps clusters the postgres user could not reach in the state folder.
    public const string SharedDataRoot = "/var/lib/contentplatform";

    // PostgreSQL refuses to run as root: the cluster then belongs to, and the server runs as, the postgres user.
    public static string? RunAsUser => Environment.IsPrivilegedProcess ? ServiceUser : null;

    public static string BinDirectory() => ServerBinaries.FindPostgresBinDirectory()
        ?? throw ServerBinaries.Missing("PostgreSQL (the `postgres` and `initdb` programs)", "postgresql", "contentdb");

    // The form Aspire's PostgreSQL integration produces for a server; a database appends ";Database={name}".
    public static string ConnectionStringFor(int port, string password) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Password={password}";

    // The program to start and the arguments before the server's own: as root, setpriv switches to the
    // postgres user and then replaces itself with the server, so whoever started it tracks the server itself.
    public static (string Command, IReadOnlyList<string> Prefix) ServerCommand(string bin) => RunAsUser is { } user
        ? ("setpriv", [$"--reuid={user}", $"--regid={user}", "--init-groups", "--", Path.Combine(bin, "postgres")])
        : (Path.Combine(bin, "postgres"), []);

    // The port comes last so the AppHost can give it as an endpoint reference.
    public static IReadOnlyList<string> ServerArguments(string dataDirectory, bool durable)
    {
        List<string> arguments =
        [
            "-D", dataDirectory, "-k", dataDirectory,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
        ];
        if (!durable)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        arguments.Add("-p");
        return arguments;
    }

    // {state}/postgres, unless the AppHost runs as root and the postgres user cannot walk down to it (a clone
    // under /root): then a folder of this checkout's own under /var/lib/contentplatform, the same on every
    // start. Permissions on the user's folders are never changed. A state folder the user gave is used as given.
    public static DataLocation ResolveDataDirectory(StateFolder state)
    {
        var inState = Path.Combine(state.Path, "postgres");
        if (RunAsUser is null || state.IsConfigured || ClosedAncestor(inState) is null)
        {
            return new DataLocation(inState, Relocated: false);
        }
        var checkout = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state.Path)))[..16];
        return new DataLocation(Path.Combine(SharedDataRoot, checkout, "postgres"), Relocated: true);
    }

    // The nearest folder above path that other users cannot enter, if any.
    public static string? ClosedAncestor(string path)
    {
        for (var directory = Path.GetDirectoryName(path); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (!OperatingSystem.IsWindows() && Directory.Exists(directory) && (File.GetUnixFileMode(directory) & UnixFileMode.OtherExecute) == 0)
            {
                return directory;
            }
        }
        return null;
    }

    public static bool IsInitialized(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, "PG_VERSION"));

    // initdb with the password read from a file of the postgres user's only, never from a command line.
    public static async Task InitializeAsync(string bin, string dataDirectory, string password, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        var runAs = RunAsUser;
        if (runAs is not null && ClosedAncestor(dataDirectory) is { } closed)
        {
            throw new ServerSetupException(
                $"PostgreSQL refuses to run as root, so it runs as the `{runAs}` user, who cannot reach {dataDirectory}: " +
                $"{closed} is closed to other users. Choose a state folder it can reach (AppHost__StateDirectory), " +
                $"or leave the setting out and the AppHost keeps PostgreSQL's data under {SharedDataRoot}.");
        }
        Directory.CreateDirectory(dataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var passwordFile = Path.Combine(Path.GetTempPath(), $"pgpass-{Guid.NewGuid():N}");
        await using (var stream = new FileStream(passwordFile, StateFolder.OwnerOnly(FileMode.CreateNew)))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(password);
        }
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

    public static async Task CreateDatabaseIfMissingAsync(string serverConnectionString, string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString + ";Database=postgres");
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

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string? runAs, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(runAs is null ? fileName : "setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAs is not null)
        {
            foreach (var argument in new[] { $"--reuid={runAs}", $"--regid={runAs}", "--init-groups", "--", fileName })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var output = new StringBuilder();
        void Collect(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(e.Data);
            }
            onOutput?.Invoke(e.Data);
        }
        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} failed with exit code {process.ExitCode}: {output}");
        }
    }
}

public sealed record DataLocation(string Directory, bool Relocated);
