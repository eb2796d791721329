using System.Security.Claims;
using System.Text.Json;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Content;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation;
using ContentPlatform.Generation.Content;
using ContentPlatform.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ContentPlatform.Api.GenerateContent;

// The Smart Content Generator (documents 002 and 003): queued generation with a delay, status, history, save.
public static class GenerateContentApi
{
    private const int TitleLength = 80;

    public static RouteGroupBuilder MapGenerateContentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/generate-content").WithTags("Generate content").RequireAuthorization()
            .AnswersMessage(StatusCodes.Status401Unauthorized, OpenApiMetadata.NotSignedIn);
        group.MapPost("", Queue).Accepts<QueueGenerationRequest>("application/json").RequireRateLimiting(RateLimits.JobCreation)
            .WithName("queueContentGeneration")
            .WithSummary("Queue content generation")
            .WithDescription("Submits a new AI content generation request to the queue and answers 202 Accepted immediately with the `jobId`. "
                + "The job runs after the mandatory delay (`delaySeconds`, 60 by default); follow it with `GET /generate-content/{jobId}`, "
                + "the `job_completed` event of `GET /events`, or Socket.IO.")
            .WithRequestExample(new { prompt = "The future of artificial intelligence in healthcare", contentType = ContentTypes.BlogPostOutline })
            .AnswersMessage(StatusCodes.Status400BadRequest,
                $"Missing fields (\"{GenerateContentMessages.MissingFields}\"), an invalid content type (\"{GenerateContentMessages.InvalidType}\") "
                + $"or a prompt too long (\"{GenerateContentMessages.PromptTooLong}\").")
            .AnswersMessage(StatusCodes.Status429TooManyRequests, "Too many jobs queued by this user in a short time; the `Retry-After` header says when to try again.")
            .AnswersMessage(StatusCodes.Status503ServiceUnavailable, $"The job queue is unavailable; nothing was queued: \"{GenerateContentMessages.QueueUnavailable}\".");
        group.MapGet("", List)
            .WithName("listGenerationJobs")
            .WithSummary("Get all user jobs")
            .WithDescription("Retrieves all generation jobs for the authenticated user, newest first (`createdAt` descending).");
        group.MapGet("/{jobId}", Get)
            .WithName("getGenerationJob")
            .WithSummary("Get job status")
            .WithDescription("Retrieves the current status of a generation job: `generatedContent` and `completedAt` once completed, "
                + "`error` once failed. Another user's job is not found.")
            .AnswersMessage(StatusCodes.Status404NotFound, $"No such job of this user: \"{GenerateContentMessages.JobNotFound}\".");
        group.MapPost("/{jobId}/save", Save).Accepts<SaveGeneratedContentRequest>("application/json")
            .WithName("saveGeneratedContent")
            .WithSummary("Save generated content")
            .WithDescription("Saves a completed job's generated content to the user's permanent content library. "
                + "`title` is optional: by default it is made from the prompt.")
            .WithRequestExample(new { title = "AI in Healthcare - Complete Outline" })
            .AnswersMessage(StatusCodes.Status400BadRequest,
                $"The job is not completed (\"{GenerateContentMessages.Incomplete}\", with `currentStatus`), it has no generated content "
                + $"(\"{GenerateContentMessages.NoContent}\"), or `title` is not a non-empty string (\"{GenerateContentMessages.InvalidTitle}\"); "
                + "only the first has `currentStatus`.")
            .AnswersMessage(StatusCodes.Status404NotFound, $"No such job of this user: \"{GenerateContentMessages.JobNotFound}\".");
        return group;
    }

    private static async Task<Results<Accepted<QueuedGenerationResponse>, BadRequest<ErrorMessage>, JsonHttpResult<ErrorMessage>>> Queue(
        JsonBody body, ClaimsPrincipal principal, JobQueue queue, IOptions<GenerateContentOptions> options, CancellationToken cancellationToken)
    {
        var prompt = body.GetString("prompt")?.Trim();
        var contentType = body.GetString("contentType");
        if (string.IsNullOrEmpty(prompt) || string.IsNullOrEmpty(contentType))
        {
            return BadRequest(GenerateContentMessages.MissingFields);
        }
        if (!ContentTypes.IsValid(contentType))
        {
            return BadRequest(GenerateContentMessages.InvalidType);
        }
        if (prompt.Length > Limits.Prompt)
        {
            return BadRequest(GenerateContentMessages.PromptTooLong);
        }

        var settings = options.Value;
        EnqueueResult queued;
        try
        {
            queued = await queue.EnqueueAsync(
                new EnqueueRequest(JobKinds.GenerateContent, JobOwner.User(principal.GetUserId()), new GenerateContentPayload(prompt, contentType))
                {
                    Delay = TimeSpan.FromSeconds(settings.DelaySeconds),
                },
                cancellationToken);
        }
        catch (JobQueueUnavailableException)
        {
            return TypedResults.Json(new ErrorMessage(GenerateContentMessages.QueueUnavailable), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var job = queued.Job;
        return TypedResults.Accepted($"/generate-content/{job.Id}", new QueuedGenerationResponse(
            GenerateContentMessages.Queued,
            job.Id,
            GenerationStatus.Queued,
            settings.DelaySeconds,
            job.ScheduledFor,
            job.ScheduledFor.AddSeconds(settings.EstimatedGenerationSeconds)));
    }

    private static async Task<Ok<List<GenerationJobResponse>>> List(ClaimsPrincipal principal, JobStore store, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var jobs = await store.ListAsync(userId, JobKinds.GenerateContent, cancellationToken);
        return TypedResults.Ok(jobs.Select(job =>
        {
            var payload = PayloadOf(job);
            var status = GenerationStatus.Of(job);
            return new GenerationJobResponse(
                job.Id, job.Id, userId, payload.Prompt, payload.ContentType, status,
                ResultOf(job)?.GeneratedContent, job.Status == JobStatus.Failed ? job.Error : null,
                job.ScheduledFor, job.CompletedAt, job.CreatedAt, job.UpdatedAt, Version: 0);
        }).ToList());
    }

    private static async Task<Results<Ok<GenerationStatusResponse>, NotFound<ErrorMessage>>> Get(
        string jobId, ClaimsPrincipal principal, JobStore store, CancellationToken cancellationToken)
    {
        if (await FindOwnJobAsync(jobId, principal.GetUserId(), store, cancellationToken) is not { } job)
        {
            return NotFound();
        }
        var payload = PayloadOf(job);
        var status = GenerationStatus.Of(job);
        var completed = status == GenerationStatus.Completed;
        return TypedResults.Ok(new GenerationStatusResponse(
            job.Id, status, payload.ContentType, payload.Prompt, job.ScheduledFor, job.CreatedAt,
            completed ? ResultOf(job)?.GeneratedContent : null,
            completed ? job.CompletedAt : null,
            job.Status == JobStatus.Failed ? job.Error : null));
    }

    private static async Task<Results<Created<SavedContentResponse>, BadRequest<ErrorMessage>, BadRequest<IncompleteJobResponse>, NotFound<ErrorMessage>>> Save(
        string jobId, JsonBody body, ClaimsPrincipal principal, JobStore store, ContentDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!body.TryGetOptionalString("title", out var title) || title is { } given && (string.IsNullOrWhiteSpace(given) || given.Length > Limits.Title))
        {
            return BadRequest(GenerateContentMessages.InvalidTitle);
        }
        var userId = principal.GetUserId();
        if (await FindOwnJobAsync(jobId, userId, store, cancellationToken) is not { } job)
        {
            return NotFound();
        }
        if (job.Status != JobStatus.Succeeded)
        {
            return TypedResults.BadRequest(new IncompleteJobResponse(GenerateContentMessages.Incomplete, GenerationStatus.Of(job)));
        }
        if (ResultOf(job)?.GeneratedContent is not { Length: > 0 } generated)
        {
            return BadRequest(GenerateContentMessages.NoContent);
        }

        var payload = PayloadOf(job);
        var now = time.UtcNowMilliseconds();
        var item = new ContentItem
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Title = title?.Trim() ?? TitleFromPrompt(payload.Prompt),
            Type = payload.ContentType,
            Body = generated,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Content.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/content/{item.Id}", new SavedContentResponse(GenerateContentMessages.Saved, ContentResponse.From(item)));
    }

    // Another user's job answers exactly like a missing one, so job ids cannot be probed.
    private static async Task<Job?> FindOwnJobAsync(string jobId, Guid userId, JobStore store, CancellationToken cancellationToken) =>
        Guid.TryParse(jobId, out var id) && await store.GetAsync(id, cancellationToken) is { } job
        && job.UserId == userId && job.Kind == JobKinds.GenerateContent
            ? job
            : null;

    private static GenerateContentPayload PayloadOf(Job job) =>
        JsonSerializer.Deserialize<GenerateContentPayload>(job.Payload, JsonSerializerOptions.Web)!;

    private static GenerateContentResult? ResultOf(Job job) =>
        job is { Status: JobStatus.Succeeded, Result: { } result }
            ? JsonSerializer.Deserialize<GenerateContentResult>(result, JsonSerializerOptions.Web)
            : null;

    // "The future of AI in healthcare and beyond…" → at most TitleLength characters, cut at a word.
    internal static string TitleFromPrompt(string prompt)
    {
        var text = string.Join(' ', prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= TitleLength)
        {
            return text;
        }
        var cut = text.LastIndexOf(' ', TitleLength - 1);
        return text[..(cut > TitleLength / 2 ? cut : TitleLength - 1)].TrimEnd(',', ';', ':', '-', ' ') + "…";
    }

    private static BadRequest<ErrorMessage> BadRequest(string message) => TypedResults.BadRequest(new ErrorMessage(message));

    private static NotFound<ErrorMessage> NotFound() => TypedResults.NotFound(new ErrorMessage(GenerateContentMessages.JobNotFound));
}
