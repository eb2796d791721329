namespace ContentPlatform.Hosting.Redis;

// What it takes to run Redis from the machine's binaries, shared by the AppHost's resource and the
// throwaway servers of tests and benchmarks.
public static class RedisServerConfig
{
    public static string ServerProgram() => ServerBinaries.FindOnPath("redis-server")
        ?? throw ServerBinaries.Missing("Redis (the `redis-server` program)", "redis-server", "redis");

    // The form Aspire's Redis integration produces.
    public static string ConnectionStringFor(int port, string password) => $"127.0.0.1:{port},password={password}";

    // The password goes in a configuration file only its owner can read, never on the command line where
    // `ps` would show it. The port is given on the command line after the file, which it overrides.
    // AOF persistence (durable) lets queued jobs survive a restart; throwaway servers turn it off.
    public static string Write(string dataDirectory, string password, bool durable)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "redis.conf");
        File.Delete(path);
        using (var stream = new FileStream(path, StateFolder.OwnerOnly(FileMode.CreateNew)))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write($"""
                bind 127.0.0.1
                dir "{dataDirectory}"
                requirepass "{password}"
                daemonize no
                save ""
                appendonly {(durable ? "yes" : "no")}

                """);
        }
        return path;
    }
}
