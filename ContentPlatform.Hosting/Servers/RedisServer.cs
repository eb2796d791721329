using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Redis;
using StackExchange.Redis;

namespace ContentPlatform.Hosting.Servers;

public sealed record RedisServerOptions(string DataDirectory, int Port, string Password)
{
    // AOF persistence, so queued jobs survive a restart; throwaway servers turn it off.
    public bool Durable { get; init; } = true;
}

// A throwaway Redis server for tests and benchmarks, run as a child process with the AppHost resource's own configuration.
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

    public static string ConnectionStringFor(int port, string password) => RedisServerConfig.ConnectionStringFor(port, password);

    public static async Task<RedisServer> StartAsync(RedisServerOptions options, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var configFile = RedisServerConfig.Write(dataDirectory, options.Password, options.Durable);
        var process = ChildProcess.Start(
            new ChildProcessSpec(RedisServerConfig.ServerProgram(), [configFile, "--port", options.Port.ToString()]), onOutput);
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
