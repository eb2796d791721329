using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Servers;
using StackExchange.Redis;

namespace ContentPlatform.Benchmarks;

internal sealed record SocketIOBenchmarkSettings(int[] Connections, int Events, bool CompareNode);

// How many Socket.IO clients one Api process holds, its memory per connection, and the fan-out latency of
// job_completed: from the moment a terminal job event is published on Redis (what a Worker does when a job ends)
// to its receipt by every connected client of that user. With the node server (socket.io 4.8.4) beside it,
// fed by the same Redis channel, in the same run. The clients are minimal Engine.IO/Socket.IO WebSocket clients,
// the same for both servers.
internal static class SocketIOBenchmark
{
    private const int ConnectParallelism = 64;

    public static async Task RunAsync(SocketIOBenchmarkSettings settings)
    {
        var nodeDirectory = settings.CompareNode ? await NodePackages.InstallAsync("socketio", "socket.io") : null;
        var root = Path.Combine(Path.GetTempPath(), "contentplatform-bench", Guid.NewGuid().ToString("N"));
        var password = Guid.NewGuid().ToString("N");
        Console.WriteLine("Starting PostgreSQL and Redis ...");
        await using var postgres = await PostgresServer.StartAsync(
            new PostgresServerOptions(Path.Combine(root, "postgres"), Ports.GetFree(), password) { Durable = false }, null, CancellationToken.None);
        await using var redisServer = await RedisServer.StartAsync(
            new RedisServerOptions(Path.Combine(root, "redis"), Ports.GetFree(), password) { Durable = false }, null, CancellationToken.None);
        await postgres.CreateDatabaseIfMissingAsync("socketio_bench", CancellationToken.None);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisServer.ConnectionString);
        var prefix = $"bench{Guid.NewGuid():N}"[..13] + ":";
        var channel = prefix + "user-events";
        var jwtKey = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());

        var apiPort = Ports.GetFree();
        Console.WriteLine("Starting the Api (Release, Production) ...");
        await using var api = ChildProcess.Start(new ChildProcessSpec("dotnet", [RepositoryLayout.BuiltAssembly("ContentPlatform.Api")])
        {
            WorkingDirectory = Path.GetDirectoryName(RepositoryLayout.BuiltAssembly("ContentPlatform.Api")),
            Environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{apiPort}",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__contentdb"] = postgres.ConnectionStringFor("socketio_bench"),
                ["ConnectionStrings__redis"] = redisServer.ConnectionString,
                ["Jwt__Key"] = jwtKey,
                ["Jobs__KeyPrefix"] = prefix,
                ["Logging__LogLevel__Default"] = "Warning",
            },
        }, line => Console.WriteLine($"  api: {line}"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        await WaitUntilAsync(async () => (await http.GetAsync("/alive")).IsSuccessStatusCode);
        var registered = await (await http.PostAsJsonAsync("/auth/register",
            new { name = "Bench", email = $"bench-{Guid.NewGuid():N}@example.com", password = "password123" })).Content.ReadFromJsonAsync<JsonElement>();
        var token = registered.GetProperty("token").GetString()!;
        var userId = registered.GetProperty("_id").GetString()!;

        ChildProcess? node = null;
        var nodePort = Ports.GetFree();
        if (nodeDirectory is not null)
        {
            node = await NodePackages.StartServerAsync(nodeDirectory, "node",
                ["--port", nodePort.ToString(), "--redis-port", redisServer.Options.Port.ToString(),
                 "--redis-password", password, "--channel", channel, "--jwt-key", jwtKey]);
        }

        Console.WriteLine($"{settings.Events} job_completed events per size, one user, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine();
        Console.WriteLine("| server | connections asked | held | server memory per connection | fan-out p50 | p99 | max |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        try
        {
            foreach (var count in settings.Connections)
            {
                var target = new Target(redis.GetSubscriber(), channel, token, userId);
                Print(await MeasureAsync("ContentPlatform.Api", new Uri($"ws://127.0.0.1:{apiPort}/socket.io/?EIO=4&transport=websocket"), api.Id, count, settings.Events, target));
                if (node is not null)
                {
                    Print(await MeasureAsync("socket.io 4.8.4 (Node 20)", new Uri($"ws://127.0.0.1:{nodePort}/socket.io/?EIO=4&transport=websocket"), node.Id, count, settings.Events, target));
                }
            }
        }
        finally
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
    }

    private sealed record Target(ISubscriber Publisher, string Channel, string Token, string UserId);

    private sealed record Result(string Server, int Asked, int Held, double KilobytesPerConnection, double P50, double P99, double Max, int Missed);

    private static void Print(Result r) =>
        Console.WriteLine($"| {r.Server} | {r.Asked:N0} | {r.Held:N0} | {r.KilobytesPerConnection:F1} KB | {r.P50:F1} ms | {r.P99:F1} ms | {r.Max:F1} ms |" +
            (r.Missed > 0 ? $" {r.Missed} receipts missing" : ""));

    private static async Task<Result> MeasureAsync(string server, Uri uri, int pid, int count, int events, Target target)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = ResidentKilobytes(pid);
        var clients = new ConcurrentBag<BenchClient>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism }, async (_, _) =>
        {
            try
            {
                clients.Add(await BenchClient.ConnectAsync(uri, target.Token));
            }
            catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or TimeoutException)
            {
                // Not held: counted by what is missing.
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(3));
        var held = clients.Count(c => c.IsOpen);
        var perConnection = held > 0 ? (ResidentKilobytes(pid) - before) / (double)held : double.NaN;

        var latencies = new List<double>();
        var missed = 0;
        foreach (var _ in Enumerable.Range(0, events))
        {
            var jobId = Guid.NewGuid();
            var round = new Round(jobId.ToString(), clients.Count(c => c.IsOpen));
            foreach (var client in clients)
            {
                client.Current = round;
            }
            var completedAt = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
            var data = JsonSerializer.Serialize(new
            {
                jobId, kind = "generate-content", userId = target.UserId, sessionId = (string?)null, status = "succeeded",
                result = new { generatedContent = "# Benchmark outline\n\n## I. Introduction", generatedOffline = true, model = "offline-templates" },
                attempts = 1, completedAt,
            });
            round.Start = Stopwatch.GetTimestamp();
            await target.Publisher.PublishAsync(RedisChannel.Literal(target.Channel), $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-0\n{jobId:N}\nsucceeded\n{data}");
            await round.AllReceived.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
            latencies.AddRange(round.Latencies);
            missed += round.Expected - round.Latencies.Count;
            await Task.Delay(500);
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }
        latencies.Sort();
        return new Result(server, count, held, perConnection, Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            latencies.Count > 0 ? latencies[^1] : double.NaN, missed);
    }

    // One published event and the clients' receipts of it.
    private sealed class Round(string jobId, int expected)
    {
        private int _received;
        public string JobId { get; } = jobId;
        public int Expected { get; } = expected;
        public long Start { get; set; }
        public ConcurrentBag<double> Latencies { get; } = [];
        public TaskCompletionSource AllReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Received(long at)
        {
            Latencies.Add(Stopwatch.GetElapsedTime(Start, at).TotalMilliseconds);
            if (Interlocked.Increment(ref _received) == Expected)
            {
                AllReceived.TrySetResult();
            }
        }
    }

    // A minimal Engine.IO v4 / Socket.IO v5 client over WebSocket: CONNECT with auth, answer pings, note events.
    private sealed class BenchClient : IDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly byte[] _buffer = new byte[8192];

        public Round? Current { get; set; }
        public bool IsOpen => _socket.State == WebSocketState.Open;

        public static async Task<BenchClient> ConnectAsync(Uri uri, string token)
        {
            var client = new BenchClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client._socket.ConnectAsync(uri, timeout.Token);
            if ((await client.ReceiveAsync(timeout.Token))?.StartsWith('0') != true)
            {
                throw new InvalidOperationException("no open packet");
            }
            await client.SendAsync("40" + JsonSerializer.Serialize(new { token }));
            while (await client.ReceiveAsync(timeout.Token) is { } text)
            {
                if (text.StartsWith("40"))
                {
                    _ = client.ReceiveLoopAsync();
                    return client;
                }
                if (text.StartsWith("44"))
                {
                    throw new InvalidOperationException(text);
                }
                if (text == "2")
                {
                    await client.SendAsync("3");
                }
            }
            throw new InvalidOperationException("closed before CONNECT");
        }

        private async Task ReceiveLoopAsync()
        {
            try
            {
                while (await ReceiveAsync(CancellationToken.None) is { } text)
                {
                    var at = Stopwatch.GetTimestamp();
                    if (text == "2")
                    {
                        await SendAsync("3");
                    }
                    else if (text.StartsWith("42") && Current is { } round && text.Contains(round.JobId))
                    {
                        round.Received(at);
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Closed.
            }
        }

        private async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
        {
            var count = 0;
            while (true)
            {
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }
                count += result.Count;
                if (result.EndOfMessage)
                {
                    return Encoding.UTF8.GetString(_buffer, 0, count);
                }
                if (count == _buffer.Length)
                {
                    throw new InvalidOperationException("message larger than the benchmark's buffer");
                }
            }
        }

        private Task SendAsync(string text) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        public void Dispose()
        {
            _socket.Abort();
            _socket.Dispose();
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static long ResidentKilobytes(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:")).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).Single();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not up yet.
            }
            await Task.Delay(200, timeout.Token);
        }
    }
}
