using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using ContentPlatform.Api.Auth;
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

    public static IEndpointConventionBuilder MapEventsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/events", Stream)
            .WithTags("Events")
            .RequireAuthorization()
            .AllowTokenFromQuery()
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

    private static Task Stream(HttpContext context, ClaimsPrincipal principal, JobEvents jobEvents, IOptions<JsonOptions> json) =>
        ServerSentEvents.WriteAsync(context, JobCompletedEvents(jobEvents, principal.GetUserId(), json.Value.SerializerOptions, context.RequestAborted));

    private static async IAsyncEnumerable<ServerSentEvent> JobCompletedEvents(
        JobEvents jobEvents, Guid userId, JsonSerializerOptions json, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var jobEvent in jobEvents.SubscribeUserAsync(userId, cancellationToken))
        {
            if (ToJobCompleted(jobEvent) is { } payload)
            {
                yield return new ServerSentEvent(jobEvent.Id, JobCompletedEvent, JsonSerializer.Serialize(payload, json));
            }
        }
    }

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
