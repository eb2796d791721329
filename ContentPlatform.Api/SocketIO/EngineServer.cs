using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace ContentPlatform.Api.SocketIO;

// The Engine.IO v4 endpoint: handshake, HTTP long-polling (GET receives, POST sends), WebSocket (alone or as an
// upgrade from polling with the "probe" exchange). Sessions live in memory on this process until closed.
internal sealed class EngineServer(IOptions<SocketIOOptions> options, ISocketIOHandler handler, ILogger<EngineServer> logger)
{
    private const string TextContentType = "text/plain; charset=UTF-8";
    private readonly SocketIOOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, EngineSession> _sessions = new();

    public int SessionCount => _sessions.Count;

    public async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (query["EIO"] != "4")
        {
            await ErrorAsync(context, 5, "Unsupported protocol version");
            return;
        }
        var transport = query["transport"].ToString();
        var sid = query["sid"].ToString();
        if (transport is not ("polling" or "websocket"))
        {
            await ErrorAsync(context, 0, "Transport unknown");
            return;
        }
        EngineSession? session = null;
        if (sid.Length > 0 && !_sessions.TryGetValue(sid, out session))
        {
            await ErrorAsync(context, 1, "Session ID unknown");
            return;
        }

        if (transport == "websocket")
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await ErrorAsync(context, 3, "Bad request");
            }
            else if (session is null)
            {
                await RunWebSocketOnlyAsync(context);
            }
            else if (session.Transport == EngineTransport.Polling)
            {
                await UpgradeAsync(context, session);
            }
            else
            {
                // A second WebSocket for the same session.
                await ErrorAsync(context, 3, "Bad request");
            }
            return;
        }

        if (session is null)
        {
            if (!HttpMethods.IsGet(context.Request.Method))
            {
                await ErrorAsync(context, 2, "Bad handshake method");
                return;
            }
            session = Open(EngineTransport.Polling);
            await WriteTextAsync(context, Handshake(session, upgrades: ["websocket"]));
        }
        else if (session.Transport == EngineTransport.WebSocket)
        {
            await ErrorAsync(context, 3, "Bad request");
        }
        else if (HttpMethods.IsGet(context.Request.Method))
        {
            await PollAsync(context, session);
        }
        else if (HttpMethods.IsPost(context.Request.Method))
        {
            await PostAsync(context, session);
        }
        else
        {
            await ErrorAsync(context, 2, "Bad handshake method");
        }
    }

    private EngineSession Open(EngineTransport transport)
    {
        var session = new EngineSession(SocketIOConnection.NewId(), transport, _options, closed =>
        {
            _sessions.TryRemove(closed.Id, out _);
            logger.LogDebug("Engine.IO session {SessionId} closed: {Reason}", closed.Id, closed.CloseReason);
        });
        var connection = new SocketIOConnection(session, handler, _options, logger);
        session.OnMessage = connection.ReceiveAsync;
        _sessions[session.Id] = session;
        _ = session.RunHeartbeatAsync();
        _ = connection.RunConnectTimeoutAsync();
        return session;
    }

    private string Handshake(EngineSession session, string[] upgrades) =>
        new EnginePacket(EnginePacketType.Open, System.Text.Json.JsonSerializer.Serialize(new
        {
            sid = session.Id,
            upgrades,
            pingInterval = (long)_options.PingInterval.TotalMilliseconds,
            pingTimeout = (long)_options.PingTimeout.TotalMilliseconds,
            maxPayload = _options.MaxPayload,
        })).EncodeText();

    private static async Task PollAsync(HttpContext context, EngineSession session)
    {
        if (!session.TryBeginPoll())
        {
            session.Close("overlapping poll");
            await ErrorAsync(context, 3, "Bad request");
            return;
        }
        try
        {
            if (await session.PollAsync(context.RequestAborted) is { } payload)
            {
                await WriteTextAsync(context, payload);
            }
        }
        finally
        {
            session.EndPoll();
        }
    }

    private async Task PostAsync(HttpContext context, EngineSession session)
    {
        if (!session.TryBeginPost())
        {
            session.Close("overlapping post");
            await ErrorAsync(context, 3, "Bad request");
            return;
        }
        try
        {
            if (context.Request.ContentLength > _options.MaxPayload || await ReadBodyAsync(context.Request) is not { } body)
            {
                session.Close("payload too large");
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
            List<EnginePacket> packets;
            if (context.Request.ContentType == "application/octet-stream")
            {
                packets = [new EnginePacket(EnginePacketType.Message, Binary: body)];
            }
            else if (!EnginePacket.TryDecodePayload(Encoding.UTF8.GetString(body), out packets))
            {
                session.Close("parse error");
                await ErrorAsync(context, 3, "Bad request");
                return;
            }
            foreach (var packet in packets)
            {
                if (!await session.ReceiveAsync(packet))
                {
                    session.Close("invalid packet");
                    await ErrorAsync(context, 3, "Bad request");
                    return;
                }
            }
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("ok");
        }
        finally
        {
            session.EndPost();
        }
    }

    // The body, or null when it is longer than MaxPayload.
    private async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            if (body.Length + read > _options.MaxPayload)
            {
                return null;
            }
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }

    private async Task RunWebSocketOnlyAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = Open(EngineTransport.WebSocket);
        await SendAsync(socket, Handshake(session, upgrades: []));
        await RunWebSocketAsync(session, socket);
    }

    // The client pauses polling, probes the WebSocket ("2probe" → "3probe"), then switches to it ("5").
    private async Task UpgradeAsync(HttpContext context, EngineSession session)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        try
        {
            if (await ReceiveAsync(socket, session.Closed) is not { Text: "2probe" } || !session.TryStartUpgrade())
            {
                return;
            }
            await SendAsync(socket, "3probe");
            while (true)
            {
                var message = await ReceiveAsync(socket, session.Closed);
                if (message is { Text: "5" })
                {
                    break;
                }
                if (message is not { Text: "2probe" })
                {
                    session.CancelUpgrade();
                    return;
                }
                await SendAsync(socket, "3probe");
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or MessageTooLargeException)
        {
            session.CancelUpgrade();
            return;
        }
        session.CompleteUpgrade();
        await RunWebSocketAsync(session, socket);
    }

    // The session's transport from now on: a reader of client packets and a writer of the outbox, until either ends.
    private async Task RunWebSocketAsync(EngineSession session, WebSocket socket)
    {
        var writer = WriteAsync(session, socket);
        var reason = "transport close";
        try
        {
            while (await ReceiveAsync(socket, session.Closed) is { } message)
            {
                if (message.Binary is { } binary)
                {
                    await session.ReceiveAsync(new EnginePacket(EnginePacketType.Message, Binary: binary));
                }
                else if (!EnginePacket.TryDecode(message.Text!, out var packet) || !await session.ReceiveAsync(packet))
                {
                    reason = "parse error";
                    break;
                }
            }
        }
        catch (MessageTooLargeException)
        {
            reason = "payload too large";
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.MessageTooBig);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            reason = "transport error";
        }
        finally
        {
            session.Close(reason);
            await writer;
        }
    }

    private static async Task WriteAsync(EngineSession session, WebSocket socket)
    {
        try
        {
            await foreach (var packet in session.Outbox.ReadAllAsync())
            {
                if (packet.Binary is { } binary)
                {
                    await socket.SendAsync(binary.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                }
                else if (packet.Frame is { } frame)
                {
                    await socket.SendAsync(frame.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }
                else
                {
                    await SendAsync(socket, packet.EncodeText());
                }
            }
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.NormalClosure);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            session.Close("transport error");
        }
    }

    private sealed record WebSocketMessage(string? Text, byte[]? Binary);

    private sealed class MessageTooLargeException : Exception;

    // One whole message, or null when the client closed. Waits with a zero-byte read so an idle connection
    // holds no receive buffer.
    private async Task<WebSocketMessage?> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var first = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        if (first.MessageType == WebSocketMessageType.Close)
        {
            return null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxPayload + 1));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }
                count += result.Count;
                if (count > _options.MaxPayload)
                {
                    throw new MessageTooLargeException();
                }
                if (result.EndOfMessage)
                {
                    return result.MessageType == WebSocketMessageType.Text
                        ? new WebSocketMessage(Encoding.UTF8.GetString(buffer, 0, count), null)
                        : new WebSocketMessage(null, buffer[..count]);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text).AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).AsTask();

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(status, null, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private static Task WriteTextAsync(HttpContext context, string text)
    {
        context.Response.ContentType = TextContentType;
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    // engine.io's error answers: {"code":N,"message":"..."} with 400.
    private static Task ErrorAsync(HttpContext context, int code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsJsonAsync(new { code, message }, context.RequestAborted);
    }
}
