using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ContentPlatform.Benchmarks;

// One round of the fan-out benchmark: the receipts expected of one publish and their latencies from its start.
internal sealed class FanoutRound(int expected)
{
    private int _received;

    public int Expected { get; } = expected;
    public long Start { get; set; }
    public ConcurrentBag<double> Latencies { get; } = [];
    public Task AllReceived => _all.Task;
    private readonly TaskCompletionSource _all = expected == 0 ? CompletedSource() : new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Received(long at)
    {
        Latencies.Add(Stopwatch.GetElapsedTime(Start, at).TotalMilliseconds);
        if (Interlocked.Increment(ref _received) == Expected)
        {
            _all.TrySetResult();
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }
}

// A subscriber connection held by the benchmark: it notes the time it receives the end of the job it is told to expect.
// Every connection is an async read loop on one shared HttpClient or its own ClientWebSocket: no thread per connection.
internal abstract class FanoutClient : IDisposable
{
    private sealed record Expectation(FanoutRound Round, string JobId);

    private Expectation? _expected;

    public abstract bool IsOpen { get; }

    public void Expect(FanoutRound round, string jobId) => Volatile.Write(ref _expected, new Expectation(round, jobId));

    // A job's end as this protocol words it, received at the timestamp given.
    protected void JobEnded(string text, long at)
    {
        if (Volatile.Read(ref _expected) is { } expected && text.Contains(expected.JobId, StringComparison.Ordinal)
            && Interlocked.CompareExchange(ref _expected, null, expected) == expected)
        {
            expected.Round.Received(at);
        }
    }

    public abstract void Dispose();
}

internal static class FanoutClients
{
    public static HttpClient CreateHttpClient(Uri baseUri) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    {
        BaseAddress = baseUri,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    // An open event stream, or null when the server did not hold it (counted by what is missing).
    public static async Task<FanoutClient?> TryConnectSseAsync(HttpClient http, string path)
    {
        try
        {
            return await SseClient.ConnectAsync(http, path);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return null;
        }
    }

    public static async Task<FanoutClient?> TryConnectSocketIOAsync(Uri baseUri, string token)
    {
        try
        {
            return await SocketIOClient.ConnectAsync(new Uri($"ws://{baseUri.Authority}/socket.io/?EIO=4&transport=websocket"), token);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    // Server-Sent Events: `event: job_completed` (GET /events) or `event: complete` (a job stream) naming the job.
    private sealed class SseClient : FanoutClient
    {
        private readonly HttpResponseMessage _response;
        private readonly Stream _body;
        private readonly CancellationTokenSource _closed = new();
        private string _pending = "";
        private volatile bool _open = true;

        private SseClient(HttpResponseMessage response, Stream body)
        {
            _response = response;
            _body = body;
        }

        public override bool IsOpen => _open;

        public static async Task<SseClient> ConnectAsync(HttpClient http, string path)
        {
            var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                response.Dispose();
                throw new HttpRequestException($"{(int)response.StatusCode} for {path}");
            }
            var client = new SseClient(response, await response.Content.ReadAsStreamAsync());
            _ = client.ReadLoopAsync();
            return client;
        }

        private async Task ReadLoopAsync()
        {
            var buffer = new byte[2048];
            try
            {
                int read;
                while ((read = await _body.ReadAsync(buffer, _closed.Token)) > 0)
                {
                    var at = Stopwatch.GetTimestamp();
                    var text = _pending + Encoding.UTF8.GetString(buffer, 0, read);
                    int end;
                    while ((end = text.IndexOf("\n\n", StringComparison.Ordinal)) >= 0)
                    {
                        var block = text[..end];
                        if (block.Contains("event: job_completed\n", StringComparison.Ordinal) || block.Contains("event: complete\n", StringComparison.Ordinal))
                        {
                            JobEnded(block, at);
                        }
                        text = text[(end + 2)..];
                    }
                    _pending = text;
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or HttpRequestException)
            {
                // Closed.
            }
            finally
            {
                _open = false;
            }
        }

        public override void Dispose()
        {
            _closed.Cancel();
            _response.Dispose();
        }
    }

    // A minimal Engine.IO v4 / Socket.IO v5 client over WebSocket: CONNECT with auth, answer pings, note events.
    private sealed class SocketIOClient : FanoutClient
    {
        private readonly ClientWebSocket _socket = new();
        private readonly byte[] _buffer = new byte[8192];

        public override bool IsOpen => _socket.State == WebSocketState.Open;

        public static async Task<SocketIOClient> ConnectAsync(Uri uri, string token)
        {
            var client = new SocketIOClient();
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
                    else if (text.StartsWith("42[\"job_completed\"", StringComparison.Ordinal))
                    {
                        JobEnded(text, at);
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

        public override void Dispose()
        {
            _socket.Abort();
            _socket.Dispose();
        }
    }
}
