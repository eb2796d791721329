using System.Security.Cryptography;
using System.Text.Json;

namespace ContentPlatform.Api.SocketIO;

// The Socket.IO layer of one Engine.IO session: CONNECT to the main namespace (decided by the application),
// events, acknowledgements, DISCONNECT. Nothing but CONNECT is accepted before the client is connected.
internal sealed class SocketIOConnection(EngineSession session, ISocketIOHandler handler, SocketIOOptions options, ILogger logger)
{
    private const string InvalidNamespace = "Invalid namespace";
    private const string ServerError = "Server error";

    private SocketIOSocket? _socket;
    private bool _connectedOnce;
    private int _attachmentsToSkip;

    public async Task ReceiveAsync(EnginePacket message)
    {
        if (message.Binary is not null)
        {
            // Attachments of a binary event or ack: nothing here reads binary data.
            if (_attachmentsToSkip-- <= 0)
            {
                session.Close("unexpected binary data");
            }
            return;
        }
        if (!SocketPacket.TryDecode(message.Text ?? "", out var packet))
        {
            session.Close("parse error");
            return;
        }
        if (packet.Type == SocketPacketType.Connect)
        {
            await ConnectAsync(packet);
            return;
        }
        if (_socket is null || packet.Namespace != SocketPacket.MainNamespace)
        {
            session.Close("packet before connect");
            return;
        }
        switch (packet.Type)
        {
            case SocketPacketType.Disconnect:
                _socket.Disconnect();
                _socket = null;
                break;
            case SocketPacketType.Event or SocketPacketType.BinaryEvent:
                _attachmentsToSkip = packet.Attachments;
                // No client event has a meaning here; an acknowledgement is still owed when asked for.
                if (packet.Id is { } id)
                {
                    Send(new SocketPacket(SocketPacketType.Ack, Data: EmptyArray, Id: id));
                }
                break;
            case SocketPacketType.Ack or SocketPacketType.BinaryAck:
                _attachmentsToSkip = packet.Attachments;
                break;
            default:
                session.Close("invalid packet type");
                break;
        }
    }

    // A session that never connects to a namespace is closed after ConnectTimeout.
    public async Task RunConnectTimeoutAsync()
    {
        try
        {
            await Task.Delay(options.ConnectTimeout, session.Closed);
            if (!_connectedOnce)
            {
                session.Close("connect timeout");
            }
        }
        catch (OperationCanceledException)
        {
            // Closed.
        }
    }

    private async Task ConnectAsync(SocketPacket packet)
    {
        if (packet.Namespace != SocketPacket.MainNamespace)
        {
            Send(new SocketPacket(SocketPacketType.ConnectError, packet.Namespace, ErrorData(InvalidNamespace)));
            return;
        }
        if (_socket is not null)
        {
            return;
        }
        SocketIOConnectDecision decision;
        try
        {
            decision = await handler.ConnectAsync(packet.Data, session.Closed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // E.g. the database is unreachable: the client hears it and may try again.
            logger.LogError(ex, "Socket.IO CONNECT of session {SessionId} failed", session.Id);
            decision = SocketIOConnectDecision.Refuse(ServerError);
        }
        if (decision.Run is null)
        {
            Send(new SocketPacket(SocketPacketType.ConnectError, Data: ErrorData(decision.Error ?? "Not authorized")));
            return;
        }
        _connectedOnce = true;
        var socket = _socket = new SocketIOSocket(session, NewId());
        // Started before the CONNECT reply so the application is listening by the time the client hears it.
        var run = decision.Run(socket);
        Send(new SocketPacket(SocketPacketType.Connect, Data: JsonSerializer.SerializeToElement(new { sid = socket.Id })));
        _ = ObserveAsync(run, socket);
    }

    private async Task ObserveAsync(Task run, SocketIOSocket socket)
    {
        try
        {
            await run;
        }
        catch (OperationCanceledException) when (socket.Disconnected.IsCancellationRequested)
        {
            // Disconnected.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Socket.IO socket {SocketId} of session {SessionId} failed", socket.Id, session.Id);
            session.Close("server error");
        }
    }

    private void Send(SocketPacket packet) => session.Send(EnginePacket.Message(packet.Encode()));

    private static readonly JsonElement EmptyArray = JsonSerializer.SerializeToElement(Array.Empty<object>());

    private static JsonElement ErrorData(string message) => JsonSerializer.SerializeToElement(new { message });

    // Session and socket ids: 20 URL-safe characters, as engine.io makes them.
    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
}
