using System.Text;
using System.Threading.Channels;

namespace ContentPlatform.Api.SocketIO;

internal enum EngineTransport
{
    Polling = 0,
    // A WebSocket answered the probe; polling requests are answered at once until the client sends "upgrade".
    Upgrading = 1,
    WebSocket = 2,
}

// One Engine.IO session: the packets waiting for the client, the current transport, the heartbeat. Packets reach
// the client in order through one outbox, whichever transport reads it, so none is lost during an upgrade.
internal sealed class EngineSession
{
    private readonly SocketIOOptions _options;
    private readonly Action<EngineSession> _onClosed;
    private readonly Channel<EnginePacket> _outbox;
    private readonly CancellationTokenSource _closed = new();
    private TaskCompletionSource? _pong;
    private CancellationTokenSource? _pendingPoll;
    private int _transport;
    private int _polling;
    private int _posting;
    private int _closing;

    public EngineSession(string id, EngineTransport transport, SocketIOOptions options, Action<EngineSession> onClosed)
    {
        Id = id;
        _transport = (int)transport;
        _options = options;
        _onClosed = onClosed;
        _outbox = Channel.CreateBounded<EnginePacket>(new BoundedChannelOptions(options.MaxBufferedPackets) { FullMode = BoundedChannelFullMode.Wait });
        Closed = _closed.Token;
    }

    public string Id { get; }
    public EngineTransport Transport => (EngineTransport)Volatile.Read(ref _transport);
    public CancellationToken Closed { get; }
    public string? CloseReason { get; private set; }
    public ChannelReader<EnginePacket> Outbox => _outbox.Reader;

    // The Socket.IO layer: called with each message packet, one at a time.
    public Func<EnginePacket, Task> OnMessage { get; set; } = _ => Task.CompletedTask;

    // False once closed. A client that lets its outbox fill up is closed rather than buffered without end.
    public bool Send(EnginePacket packet)
    {
        if (_outbox.Writer.TryWrite(packet))
        {
            return true;
        }
        Close("transport buffer full");
        return false;
    }

    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return;
        }
        CloseReason = reason;
        _outbox.Writer.TryComplete();
        _onClosed(this);
        _closed.Cancel();
    }

    // A packet from the client, over either transport; false for one it must not send (the caller closes).
    public async Task<bool> ReceiveAsync(EnginePacket packet)
    {
        switch (packet.Type)
        {
            case EnginePacketType.Message:
                await OnMessage(packet);
                return true;
            case EnginePacketType.Pong:
                Volatile.Read(ref _pong)?.TrySetResult();
                return true;
            case EnginePacketType.Ping:
                Send(new EnginePacket(EnginePacketType.Pong, packet.Text));
                return true;
            case EnginePacketType.Close:
                Close(ClientClose);
                return true;
            case EnginePacketType.Noop:
                return true;
            default:
                return false;
        }
    }

    public const string ClientClose = "client close";

    // Server-initiated heartbeat: a ping every PingInterval, a pong expected within PingTimeout. The first ping comes
    // at a random point of the first interval: sessions opened together (every client reconnecting after a deploy)
    // would otherwise ping together, thousands of sends and pongs in one instant every interval. A client only needs
    // a ping within PingInterval + PingTimeout of the last one, so an early one is within the protocol.
    public async Task RunHeartbeatAsync()
    {
        try
        {
            var delay = _options.PingInterval * Random.Shared.NextDouble();
            while (true)
            {
                await Task.Delay(delay, Closed);
                delay = _options.PingInterval;
                var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _pong, pong);
                if (!Send(new EnginePacket(EnginePacketType.Ping)))
                {
                    return;
                }
                await pong.Task.WaitAsync(_options.PingTimeout, Closed);
            }
        }
        catch (TimeoutException)
        {
            Close("ping timeout");
        }
        catch (OperationCanceledException)
        {
            // Closed.
        }
    }

    // The spec allows one GET and one POST at a time per session.
    public bool TryBeginPoll() => Interlocked.Exchange(ref _polling, 1) == 0;
    public void EndPoll() => Volatile.Write(ref _polling, 0);
    public bool TryBeginPost() => Interlocked.Exchange(ref _posting, 1) == 0;
    public void EndPost() => Volatile.Write(ref _posting, 0);

    // A long-polling GET: waits for packets and returns the payload to answer with, or null if the client left.
    // During an upgrade it answers at once (noop when nothing waits), so the client can pause polling.
    public async Task<string?> PollAsync(CancellationToken requestAborted)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        Interlocked.Exchange(ref _pendingPoll, wait);
        try
        {
            if (Transport != EngineTransport.Polling)
            {
                await wait.CancelAsync();
            }
            try
            {
                if (!await _outbox.Reader.WaitToReadAsync(wait.Token))
                {
                    // Closed with nothing left: tell the client, unless it closed the session itself.
                    return new EnginePacket(CloseReason == ClientClose ? EnginePacketType.Noop : EnginePacketType.Close).EncodeText();
                }
            }
            catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
            {
                // Woken by an upgrade probe.
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            return TakePayload() ?? new EnginePacket(EnginePacketType.Noop).EncodeText();
        }
        finally
        {
            Interlocked.CompareExchange(ref _pendingPoll, null, wait);
        }
    }

    // Packets that wait, as one polling payload of about MaxPayload characters at most (at least one packet).
    private string? TakePayload()
    {
        var payload = new StringBuilder();
        while (payload.Length < _options.MaxPayload && _outbox.Reader.TryRead(out var packet))
        {
            if (payload.Length > 0)
            {
                payload.Append(EnginePacket.Separator);
            }
            payload.Append(packet.EncodeText());
        }
        return payload.Length > 0 ? payload.ToString() : null;
    }

    // A WebSocket answered the probe: wake a pending GET so the client can pause polling.
    public bool TryStartUpgrade()
    {
        if (Interlocked.CompareExchange(ref _transport, (int)EngineTransport.Upgrading, (int)EngineTransport.Polling) != (int)EngineTransport.Polling)
        {
            return false;
        }
        try
        {
            Volatile.Read(ref _pendingPoll)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That GET just finished.
        }
        return true;
    }

    public void CompleteUpgrade() => Volatile.Write(ref _transport, (int)EngineTransport.WebSocket);

    public void CancelUpgrade() => Interlocked.CompareExchange(ref _transport, (int)EngineTransport.Polling, (int)EngineTransport.Upgrading);
}
