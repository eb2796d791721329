using System.Runtime.CompilerServices;
using System.Text.Json;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.SocketIO;
using ContentPlatform.Jobs;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ContentPlatform.Api.Events;

// Document 003 §7: a socket.io-client connects with auth { token } (our JWT) and receives `job_completed` for each
// of the user's generation jobs that ends — the same events and payload as GET /events, from Redis through JobEvents.
internal sealed class JobCompletedSocketIO(JwtTokens tokens, KnownUsers users, JobEvents jobEvents, IOptions<JsonOptions> json)
    : ISocketIOHandler
{
    // One job's event reaches every socket of its user as the same instance: encode it once for all of them.
    private readonly ConditionalWeakTable<JobEvent, SocketIOEvent?> _encoded = [];
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;

    public async Task<SocketIOConnectDecision> ConnectAsync(JsonElement? auth, CancellationToken cancellationToken)
    {
        if (auth is not { ValueKind: JsonValueKind.Object } payload
            || !payload.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String
            || token.GetString() is not { Length: > 0 } value)
        {
            return SocketIOConnectDecision.Refuse(AuthMessages.NoToken);
        }
        if (await tokens.ValidateAsync(value) is not { } userId)
        {
            return SocketIOConnectDecision.Refuse(AuthMessages.NotAuthorized);
        }
        // As a Bearer token's user is checked: a deleted user is refused within KnownUsers.Lifetime, and a reconnecting
        // crowd does not read the users table once per socket.
        if (!await users.ExistsAsync(userId, cancellationToken))
        {
            return SocketIOConnectDecision.Refuse(AuthMessages.UserNotFound);
        }
        return SocketIOConnectDecision.Accept(socket => SendJobCompletedAsync(socket, userId));
    }

    // Each event goes straight into the socket's outbox, from the notification path, until the socket is gone.
    private async Task SendJobCompletedAsync(SocketIOSocket socket, Guid userId)
    {
        ConditionalWeakTable<JobEvent, SocketIOEvent?>.CreateValueCallback encode = Encode;
        using (await jobEvents.ListenUserAsync(userId, jobEvent =>
        {
            if (_encoded.GetValue(jobEvent, encode) is { } message)
            {
                socket.Emit(message);
            }
        }))
        {
            await Task.Delay(Timeout.Infinite, socket.Disconnected).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // Null for the events that are not a generation job's end.
    private SocketIOEvent? Encode(JobEvent jobEvent) =>
        EventsApi.ToJobCompleted(jobEvent) is { } payload ? SocketIOEvent.Create(EventsApi.JobCompletedEvent, payload, _json) : null;
}
