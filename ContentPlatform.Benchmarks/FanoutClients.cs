using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
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

// A subscriber connection held by the benchmark: a plain TCP socket that speaks just enough HTTP/1.1 (SSE) or
// WebSocket (Engine.IO v4 / Socket.IO v5) to subscribe, set up with blocking calls and then read by a FanoutReceiver.
// It notes the time it receives the end of the job it is told to expect.
internal abstract class FanoutClient(Socket socket) : IDisposable
{
    private sealed record Expectation(FanoutRound Round, string JobId);

    private Expectation? _expected;
    private volatile bool _open = true;

    public Socket Socket { get; } = socket;
    public bool IsOpen => _open;

    public void Expect(FanoutRound round, string jobId) => Volatile.Write(ref _expected, new Expectation(round, jobId));

    // Bytes the receiver read from the socket at the timestamp given.
    public abstract void Received(ReadOnlySpan<byte> bytes, long at);

    public void Closed() => _open = false;

    // A job's end as this protocol words it, received at the timestamp given.
    protected void JobEnded(string text, long at)
    {
        if (Volatile.Read(ref _expected) is { } expected && text.Contains(expected.JobId, StringComparison.Ordinal)
            && Interlocked.CompareExchange(ref _expected, null, expected) == expected)
        {
            expected.Round.Received(at);
        }
    }

    public void Dispose()
    {
        _open = false;
        Socket.Dispose();
    }

    // A socket connected to the server and handed to the protocol's handshake; closed if the handshake fails.
    protected static T Open<T>(Uri baseUri, Func<Socket, T> handshake)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = 30_000,
            SendTimeout = 30_000,
        };
        try
        {
            socket.Connect(baseUri.Host, baseUri.Port);
            return handshake(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Sends the request head and reads the response head; what came after it is the start of the body.
    protected static (string Head, byte[] Body) Request(Socket socket, string head)
    {
        socket.Send(Encoding.ASCII.GetBytes(head));
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var read = socket.Receive(buffer);
            if (read == 0)
            {
                throw new IOException("closed before the response head");
            }
            received.AddRange(buffer.AsSpan(0, read));
            var end = CollectionsMarshal.AsSpan(received).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(CollectionsMarshal.AsSpan(received)[..end]), received[(end + 4)..].ToArray());
            }
        }
    }
}

internal static class FanoutClients
{
    // An open subscription, or null when the server did not hold it (counted by what is missing).
    public static FanoutClient? TryConnectSse(Uri baseUri, string path) => TryConnect(() => SseClient.Connect(baseUri, path));

    public static FanoutClient? TryConnectSocketIO(Uri baseUri, string token) => TryConnect(() => SocketIOClient.Connect(baseUri, token));

    private static FanoutClient? TryConnect(Func<FanoutClient> connect)
    {
        try
        {
            return connect();
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    // Server-Sent Events: `event: job_completed` (GET /events) or `event: complete` (a job stream) naming the job. The
    // body is chunked; each event is written (and so framed) whole, so the chunk-size lines only sit between blocks.
    private sealed class SseClient(Socket socket) : FanoutClient(socket)
    {
        private string _pending = "";

        public static SseClient Connect(Uri baseUri, string path)
        {
            return Open(baseUri, socket =>
            {
                var (head, rest) = Request(socket, $"GET {path} HTTP/1.1\r\nHost: {baseUri.Authority}\r\n\r\n");
                if (!head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{head.Split("\r\n")[0]} for {path}");
                }
                var client = new SseClient(socket);
                client.Received(rest, Stopwatch.GetTimestamp());
                return client;
            });
        }

        public override void Received(ReadOnlySpan<byte> bytes, long at)
        {
            var text = _pending + Encoding.UTF8.GetString(bytes);
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

    // Engine.IO v4 / Socket.IO v5 over WebSocket (RFC 6455): CONNECT with auth, answer pings, note events. Server frames
    // come unmasked and unfragmented (both servers send each packet as one frame); the client's are masked.
    private sealed class SocketIOClient(Socket socket) : FanoutClient(socket)
    {
        private const int Text = 1, Close = 8, Ping = 9, Pong = 10;

        private byte[] _pending = new byte[8192];
        private int _count;

        public static SocketIOClient Connect(Uri baseUri, string token)
        {
            return Open(baseUri, socket =>
            {
                var (head, rest) = Request(socket, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n" +
                    $"Host: {baseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    $"Sec-WebSocket-Key: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}\r\nSec-WebSocket-Version: 13\r\n\r\n");
                if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(head.Split("\r\n")[0]);
                }
                var client = new SocketIOClient(socket);
                client.Append(rest);
                if (client.ReceiveText()?.StartsWith('0') != true)
                {
                    throw new InvalidOperationException("no open packet");
                }
                client.Send(Text, "40" + JsonSerializer.Serialize(new { token }));
                while (client.ReceiveText() is { } text)
                {
                    if (text.StartsWith("40", StringComparison.Ordinal))
                    {
                        // What came with the CONNECT answer waits for no later read: a ping (the Api's first one comes at
                        // a random point of its interval, so at once for some of 10,000 sessions) left unanswered until the
                        // next one closed the session for its ping timeout.
                        client.Received([], Stopwatch.GetTimestamp());
                        return client;
                    }
                    if (text.StartsWith("44", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(text);
                    }
                    if (text == "2")
                    {
                        client.Send(Text, "3");
                    }
                }
                throw new InvalidOperationException("closed before CONNECT");
            });
        }

        public override void Received(ReadOnlySpan<byte> bytes, long at)
        {
            Append(bytes);
            while (TryTakeFrame(out var opcode, out var payload))
            {
                if (opcode == Ping)
                {
                    Send(Pong, payload);
                }
                else if (opcode == Text && payload == "2")
                {
                    Send(Text, "3");
                }
                else if (opcode == Text && payload.StartsWith("42[\"job_completed\"", StringComparison.Ordinal))
                {
                    JobEnded(payload, at);
                }
            }
        }

        // The next text frame, read with blocking receives (the handshake); null once the server closes.
        private string? ReceiveText()
        {
            var buffer = new byte[4096];
            while (true)
            {
                while (TryTakeFrame(out var opcode, out var payload))
                {
                    if (opcode == Close)
                    {
                        return null;
                    }
                    if (opcode == Text)
                    {
                        return payload;
                    }
                }
                var read = Socket.Receive(buffer);
                if (read == 0)
                {
                    return null;
                }
                Append(buffer.AsSpan(0, read));
            }
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            if (_count + bytes.Length > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _count + bytes.Length));
            }
            bytes.CopyTo(_pending.AsSpan(_count));
            _count += bytes.Length;
        }

        private bool TryTakeFrame(out int opcode, out string payload)
        {
            (opcode, payload) = (0, "");
            if (_count < 2)
            {
                return false;
            }
            var (header, length) = (_pending[1] & 0x7f) switch
            {
                126 when _count >= 4 => (4, (long)(_pending[2] << 8 | _pending[3])),
                127 when _count >= 10 => (10, (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(_pending.AsSpan(2))),
                126 or 127 => (0, 0L),
                var small => (2, small),
            };
            if (header == 0 || _count < header + length)
            {
                return false;
            }
            opcode = _pending[0] & 0x0f;
            payload = Encoding.UTF8.GetString(_pending, header, (int)length);
            var frame = header + (int)length;
            _pending.AsSpan(frame, _count - frame).CopyTo(_pending);
            _count -= frame;
            return true;
        }

        private void Send(int opcode, string payload)
        {
            var bytes = Encoding.UTF8.GetBytes(payload);
            var header = bytes.Length < 126 ? 2 : 4;
            var frame = new byte[header + 4 + bytes.Length];
            frame[0] = (byte)(0x80 | opcode);
            if (header == 2)
            {
                frame[1] = (byte)(0x80 | bytes.Length);
            }
            else
            {
                frame[1] = 0x80 | 126;
                frame[2] = (byte)(bytes.Length >> 8);
                frame[3] = (byte)bytes.Length;
            }
            var mask = frame.AsSpan(header, 4);
            RandomNumberGenerator.Fill(mask);
            for (var i = 0; i < bytes.Length; i++)
            {
                frame[header + 4 + i] = (byte)(bytes[i] ^ mask[i % 4]);
            }
            Socket.Send(frame);
        }
    }
}

// The benchmark's receiving side: a thread per core, each reading its share of the connections with one recv per
// ready socket. Through HttpClient and ClientWebSocket a receipt cost the benchmark more CPU than the server's delivery
// (a thread-pool hop per read, the HTTP and WebSocket layers, their garbage: 22–27 µs against the Api's ~20 µs), on
// the same two cores as the server it measures. The threads look at their epoll set every millisecond instead of
// sleeping in epoll_wait: a reader asleep there is woken by each arriving message, and on loopback that wake-up is
// made by the sender, so it was charged to the server measured (13% of the Api's CPU in a profile, at 10,000
// connections of one user). A receipt is timed after its recv, so the poll can only add to a latency, ≤ 1 ms.
// Linux on x86-64 (epoll_event's layout).
internal sealed partial class FanoutReceiver : IDisposable
{
    private const int EpollCtlAdd = 1, EpollCtlDelete = 2, EpollIn = 0x001, EpollCloexec = 0x80000, MsgDontWait = 0x40, Again = 11, Interrupted = 4;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    private readonly ConcurrentDictionary<int, FanoutClient> _clients = new();
    private readonly (int Epoll, Thread Thread)[] _loops;
    private volatile bool _stopping;
    private int _added;

    public FanoutReceiver()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("The fan-out benchmark's receiver uses epoll on x86-64 Linux.");
        }
        _loops = Enumerable.Range(0, Environment.ProcessorCount).Select(i =>
        {
            var epoll = epoll_create1(EpollCloexec);
            if (epoll < 0)
            {
                throw new IOException($"epoll_create1: errno {Marshal.GetLastPInvokeError()}");
            }
            var thread = new Thread(() => Run(epoll)) { IsBackground = true, Name = $"Fan-out receiver {i}" };
            thread.Start();
            return (epoll, thread);
        }).ToArray();
    }

    public void Add(FanoutClient client)
    {
        var fd = (int)client.Socket.Handle;
        _clients[fd] = client;
        var registration = new EpollEvent { Events = EpollIn, Data = (ulong)fd };
        if (epoll_ctl(_loops[Interlocked.Increment(ref _added) % _loops.Length].Epoll, EpollCtlAdd, fd, ref registration) < 0)
        {
            throw new IOException($"epoll_ctl: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private void Run(int epoll)
    {
        var events = new EpollEvent[256];
        var buffer = new byte[64 * 1024];
        while (!_stopping)
        {
            var ready = epoll_wait(epoll, events, events.Length, 0);
            if (ready == 0 || (ready < 0 && Marshal.GetLastPInvokeError() == Interrupted))
            {
                Thread.Sleep(1);
                continue;
            }
            if (ready < 0)
            {
                throw new IOException($"epoll_wait: errno {Marshal.GetLastPInvokeError()}");
            }
            for (var i = 0; i < ready; i++)
            {
                var fd = (int)events[i].Data;
                if (!_clients.TryGetValue(fd, out var client))
                {
                    continue;
                }
                var read = recv(fd, buffer, buffer.Length, MsgDontWait);
                if (read > 0)
                {
                    client.Received(buffer.AsSpan(0, (int)read), Stopwatch.GetTimestamp());
                }
                else if (read == 0 || Marshal.GetLastPInvokeError() != Again)
                {
                    // Closed by the server: a level-triggered set would report its end on every wait.
                    _clients.TryRemove(fd, out _);
                    epoll_ctl(epoll, EpollCtlDelete, fd, ref events[i]);
                    client.Closed();
                }
            }
        }
    }

    // Stops reading; the clients are disposed after it, so no descriptor is read once closed (or reused).
    public void Dispose()
    {
        _stopping = true;
        foreach (var (epoll, thread) in _loops)
        {
            thread.Join();
            close(epoll);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epoll, int operation, int fd, ref EpollEvent registration);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epoll, [Out] EpollEvent[] events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, [Out] byte[] buffer, nint length, int flags);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
