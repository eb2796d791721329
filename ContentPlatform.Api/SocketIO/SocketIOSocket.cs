using System.Text;
using System.Text.Json;

namespace ContentPlatform.Api.SocketIO;

// What the application decides on a client's CONNECT to the main namespace.
public interface ISocketIOHandler
{
    // auth is the CONNECT payload (the client's `auth` option), null when it sent none.
    Task<SocketIOConnectDecision> ConnectAsync(JsonElement? auth, CancellationToken cancellationToken);
}

// Refused with a message the client gets in connect_error, or accepted: Run lasts as long as the socket.
public sealed record SocketIOConnectDecision(string? Error, Func<SocketIOSocket, Task>? Run)
{
    public static SocketIOConnectDecision Refuse(string message) => new(message, null);

    public static SocketIOConnectDecision Accept(Func<SocketIOSocket, Task> run) => new(null, run);
}

// An event encoded once (packet text and WebSocket frame), to send to any number of sockets.
public sealed class SocketIOEvent
{
    private SocketIOEvent(string encoded)
    {
        Encoded = encoded;
        var message = EnginePacket.Message(encoded);
        Packet = message with { Frame = Encoding.UTF8.GetBytes(message.EncodeText()) };
    }

    // The Socket.IO packet's text, e.g. 2["job_completed",{...}].
    public string Encoded { get; }

    internal EnginePacket Packet { get; }

    public static SocketIOEvent Create<T>(string name, T argument, JsonSerializerOptions json) =>
        new(new SocketPacket(SocketPacketType.Event, Data: JsonSerializer.SerializeToElement<object?[]>([name, argument], json)).Encode());
}

// A client connected to the main namespace.
public sealed class SocketIOSocket
{
    private readonly EngineSession _session;
    private readonly CancellationTokenSource _disconnected;

    internal SocketIOSocket(EngineSession session, string id)
    {
        _session = session;
        Id = id;
        _disconnected = CancellationTokenSource.CreateLinkedTokenSource(session.Closed);
        Disconnected = _disconnected.Token;
    }

    public string Id { get; }

    public CancellationToken Disconnected { get; }

    // False when the socket is gone (or the client stopped reading and its session was closed).
    public bool Emit(SocketIOEvent message) =>
        !Disconnected.IsCancellationRequested && _session.Send(message.Packet);

    internal void Disconnect()
    {
        // Disposing unlinks it from the session, which may connect again.
        _disconnected.Cancel();
        _disconnected.Dispose();
    }
}
