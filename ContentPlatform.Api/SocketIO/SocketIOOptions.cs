namespace ContentPlatform.Api.SocketIO;

// Settings under "SocketIO"; the defaults are socket.io 4's.
public sealed class SocketIOOptions
{
    public const string Section = "SocketIO";

    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    // The largest payload (polling body or WebSocket message) a client may send, in bytes.
    public int MaxPayload { get; set; } = 1_000_000;

    // A session that has not connected to a namespace by then is closed.
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    // Packets waiting for a client that does not read them; past this the session is closed.
    public int MaxBufferedPackets { get; set; } = 1000;
}
