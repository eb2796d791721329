namespace ContentPlatform.Hosting;

// A server cannot be run on this machine as it is set up; the message says what to change.
public class ServerSetupException(string message) : Exception(message);

public sealed class MissingServerBinaryException(string message) : ServerSetupException(message);

internal static class ServerBinaries
{
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    // Debian installs PostgreSQL's server programs outside PATH, one folder per major version.
    public static string? FindPostgresBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("POSTGRES_BIN") is { Length: > 0 } configured && File.Exists(Path.Combine(configured, "postgres")))
        {
            return configured;
        }
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(dir => (Dir: dir, Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Dir, "bin", "postgres")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin"))
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }
        return FindOnPath("postgres") is { } onPath ? Path.GetDirectoryName(Path.GetFullPath(onPath)) : null;
    }

    public static MissingServerBinaryException Missing(string what, string package, string connectionName) => new(
        $"{what} was not found on this machine. Install it with `sudo apt-get install -y {package}` " +
        $"(the README's first command does this for you), or point the AppHost at a server you already run by " +
        $"setting ConnectionStrings__{connectionName} (the AppHost then starts nothing for it, like Aspire's AddConnectionString).");
}
