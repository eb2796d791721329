using ContentPlatform.Hosting.Processes;
using StackExchange.Redis;

namespace ContentPlatform.Hosting.Servers;

public sealed record RedisServerOptions(string DataDirectory, int Port, string Password)
{
    // AOF persistence, so queued jobs survive a restart; throwaway servers turn it off.
    public bool Durable { get; init; } = true;
}

// A Redis server run from the machine's redis-server as a child process.
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RedisServer(RedisServerOptions options, ChildProcess process)
    {
        Options = options;
        _process = process;
    }

    public RedisServerOptions Options { get; }
    public ChildProcess Process => _process;
    public string ConnectionString => ConnectionStringFor(Options.Port, Options.Password);

    // The form Aspire's Redis integration produces.
    public static string ConnectionStringFor(int port, string password) => $"127.0.0.1:{port},password={password}";

    public static async Task<RedisServer> StartAsync(RedisServerOptions options, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        var redisServer = ServerBinaries.FindOnPath("redis-server")
            ?? throw ServerBinaries.Missing("Redis (the `redis-server` program)", "redis-server", "redis");
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);

        List<string> arguments =
        [
            "--port", options.Port.ToString(), "--bind", "127.0.0.1", "--dir", dataDirectory,
            "--requirepass", options.Password, "--daemonize", "no", "--save", "",
            "--appendonly", options.Durable ? "yes" : "no",
        ];
        var process = ChildProcess.Start(new ChildProcessSpec(redisServer, arguments), onOutput);
        var server = new RedisServer(options with { DataDirectory = dataDirectory }, process);
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

    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} while starting; see its output above.");
            }
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",connectTimeout=1000,abortConnect=true");
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
    }
}
