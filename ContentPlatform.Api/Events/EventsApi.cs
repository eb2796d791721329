using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Api.GenerateContent;
using ContentPlatform.Generation;
using ContentPlatform.Generation.Content;
using ContentPlatform.Jobs;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ContentPlatform.Api.Events;

// The signed-in user's live notifications over SSE: `job_completed` (document 003 §7.3) for each generation job
// that ends. EventSource cannot send headers, so the token may come as ?token=.
public static class EventsApi
{
    public const string JobCompletedEvent = "job_completed";

    // One job's event reaches every stream of its user as the same instance: encode it once for all of them.
    private static readonly ConditionalWeakTable<JobEvent, ServerSentEvent?> Encoded = [];

    public static IEndpointConventionBuilder MapEventsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/events", Stream)
            .WithTags("Events")
            .RequireAuthorization()
            .AllowTokenFromQuery()
            .WithName("streamEvents")
            .WithSummary("Follow the user's job completions")
            .WithDescription("""
                Server-Sent Events (`text/event-stream`) for the signed-in user, open until the client closes it. The JWT may be
                given as `?token=<token>`, since EventSource cannot send headers.

                One event:

                - `job_completed`: emitted when one of the user's AI generation jobs finishes (success or failure). `id` is the
                  event's position. `data` is a JSON `JobCompletedPayload`: `userId` (string), `jobId` (string, UUID),
                  `status` (`"completed"` or `"failed"`), `generatedContent` (string, Markdown, present if completed),
                  `error` (string, present if failed), `completedAt` (ISO timestamp).

                ```
                event: job_completed
                id: 1736683285000-0
                data: {"userId":"60d0fe4f5311236168a109ca","jobId":"b84e3feb-19c9-4231-8893-0eba6bd61a63","status":"completed","generatedContent":"# The Future of AI in Healthcare...","completedAt":"2026-01-12T12:01:25.000Z"}
                ```
                """)
            .Answers<RouteHandlerBuilder, string>(StatusCodes.Status200OK, "The event stream.", "text/event-stream")
            .AnswersMessage(StatusCodes.Status401Unauthorized, OpenApiMetadata.NotSignedIn);

    private static Task Stream(HttpContext context, ClaimsPrincipal principal, JobEvents jobEvents, IOptions<JsonOptions> json)
    {
        var userId = principal.GetUserId();
        var options = json.Value.SerializerOptions;
        return ServerSentEvents.PushAsync(context, push => jobEvents.ListenUserAsync(userId, jobEvent =>
        {
            if ((Encoded.TryGetValue(jobEvent, out var message) ? message : Encoded.GetValue(jobEvent, e => Encode(e, options))) is { } completed)
            {
                push(completed.Utf8);
            }
        }));
    }

    // Null for the events that are not a generation job's end.
    private static ServerSentEvent? Encode(JobEvent jobEvent, JsonSerializerOptions json) =>
        ToJobCompleted(jobEvent) is { } payload ? new ServerSentEvent(jobEvent.Id, JobCompletedEvent, JsonSerializer.Serialize(payload, json)) : null;

    // The engine's terminal event of a generation job, in the shape the frontends expect.
    public static JobCompletedPayload? ToJobCompleted(JobEvent jobEvent)
    {
        var data = jobEvent.Data;
        if (!jobEvent.IsTerminal || data.GetProperty("kind").GetString() != JobKinds.GenerateContent
            || !data.TryGetProperty("userId", out var user) || !user.TryGetGuid(out var userId))
        {
            return null;
        }
        var completedAt = data.TryGetProperty("completedAt", out var at) ? at.GetDateTime() : DateTime.UtcNow;
        if (jobEvent.Type == JobEventTypes.Succeeded)
        {
            var result = data.GetProperty("result").Deserialize<GenerateContentResult>(JsonSerializerOptions.Web);
            return new JobCompletedPayload(userId, jobEvent.JobId, GenerationStatus.Completed, result?.GeneratedContent, null, completedAt);
        }
        return new JobCompletedPayload(userId, jobEvent.JobId, GenerationStatus.Failed, null, data.GetProperty("error").GetString(), completedAt);
    }
}
