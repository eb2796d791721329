using System.Text.Json;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation;
using ContentPlatform.Generation.BlogPosts;
using ContentPlatform.Generation.WebsiteAnalysis;
using ContentPlatform.Jobs;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ContentPlatform.Api.Jobs;

// Document 001: start website-analysis and content-generation jobs, follow them (status, stream), retry and cancel them.
// Jobs belong to a user (JWT) or an anonymous session (x-session-id); a job its caller does not own is a 404.
public static class JobsApi
{
    // Bounds on the free-form objects a content-generation request carries, as serialized JSON.
    private const int MaxObjectLength = 20_000;

    public static RouteGroupBuilder MapJobsApiV1(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v1/jobs").WithTags("Jobs");
        jobs.MapPost("/website-analysis", StartWebsiteAnalysis)
            .RequireRateLimiting(RateLimits.JobCreation)
            .Accepts<WebsiteAnalysisRequest>("application/json")
            .Produces<JobCreatedResponse>(StatusCodes.Status201Created)
            .CalledBy(ApiCallers.SignedInUser | ApiCallers.AnonymousSession)
            .WithName("startWebsiteAnalysis")
            .WithSummary("Start a website analysis")
            .WithDescription("Starts the full website-analysis pipeline (analyze → audiences → pitches → images) as a job and answers "
                + "`201 { jobId }`. Optional auth: a JWT when logged in, or `x-session-id` for anonymous visitors. "
                + "Poll `GET /api/v1/jobs/{jobId}/status` for the result (`currentStep`: \"Analyzing website...\", "
                + "\"Generating audiences...\", \"Generating pitches...\", \"Generating images...\").")
            .WithRequestExample(new { url = "https://example.com" })
            .AnswersFailure(StatusCodes.Status400BadRequest, $"Missing `url` (\"{JobMessages.UrlRequired}\") or not an http(s) URL (\"{JobMessages.UrlInvalid}\").")
            .AnswersFailure(StatusCodes.Status401Unauthorized, NoCaller)
            .AnswersFailure(StatusCodes.Status429TooManyRequests, TooManyJobs)
            .AnswersFailure(StatusCodes.Status503ServiceUnavailable, QueueUnavailable);
        jobs.MapPost("/content-generation", StartContentGeneration)
            .RequireRateLimiting(RateLimits.JobCreation)
            .Accepts<ContentGenerationRequest>("application/json")
            .Produces<JobCreatedResponse>(StatusCodes.Status201Created)
            .CalledBy(ApiCallers.SignedInUser)
            .WithName("startContentGeneration")
            .WithSummary("Start a content generation")
            .WithDescription("Starts an enhanced blog post generation as a job and answers `201 { jobId }`; same payload as "
                + "`POST /api/v1/enhanced-blog-generation/generate`. JWT required. When the job succeeds, `result` of the status holds "
                + "`data`, `savedPost` (with `options.autoSave`), `metadata` and `imageGeneration`.")
            .WithRequestExample(new
            {
                topic = new { title = "5 backup habits that protect nonprofit data" },
                businessInfo = new { businessType = "IT services", targetAudience = "nonprofit executive directors" },
                additionalInstructions = "No jargon, board-friendly.",
                options = new { includeVisuals = true, autoSave = true, status = PostStatus.Draft },
            })
            .AnswersFailure(StatusCodes.Status400BadRequest,
                $"Missing or invalid fields, e.g. \"{JobMessages.TopicRequired}\", or an `organizationId` that is not one of the user's organizations.")
            .AnswersFailure(StatusCodes.Status401Unauthorized, NotSignedIn)
            .AnswersFailure(StatusCodes.Status429TooManyRequests, TooManyJobs)
            .AnswersFailure(StatusCodes.Status503ServiceUnavailable, QueueUnavailable);
        jobs.MapGet("/{jobId}/status", GetStatus).Produces<JobStatusResponse>()
            .CalledBy(ApiCallers.SignedInUser | ApiCallers.AnonymousSession)
            .WithName("getJobStatus")
            .WithSummary("Poll a job's status")
            .WithDescription("The job's status (`queued`, `running`, `succeeded`, `failed`), `progress` (0–100), `currentStep`, "
                + "`estimatedTimeRemaining` (seconds), and once it ends `result` (succeeded) or `error`/`errorCode` (failed). "
                + "Poll every 2–3 seconds until `succeeded` or `failed`.")
            .AnswersFailure(StatusCodes.Status401Unauthorized, NoCaller)
            .AnswersFailure(StatusCodes.Status404NotFound, JobNotFound);
        jobs.MapPost("/{jobId}/retry", Retry).Produces<JobCreatedResponse>().RequireRateLimiting(RateLimits.JobCreation)
            .CalledBy(ApiCallers.SignedInUser | ApiCallers.AnonymousSession)
            .WithName("retryJob")
            .WithSummary("Retry a failed job")
            .WithDescription("Queues a failed job again under the same `jobId`; keep polling the same `jobId`.")
            .AnswersFailure(StatusCodes.Status401Unauthorized, NoCaller)
            .AnswersFailure(StatusCodes.Status404NotFound, JobNotFound)
            .AnswersFailure(StatusCodes.Status409Conflict,
                $"The job has not failed (\"{JobMessages.NotRetryable}\"), or another job for the same subject is queued or running (\"{JobMessages.SubjectBusy}\").")
            .AnswersFailure(StatusCodes.Status429TooManyRequests, TooManyJobs)
            .AnswersFailure(StatusCodes.Status503ServiceUnavailable, QueueUnavailable);
        jobs.MapPost("/{jobId}/cancel", Cancel).Produces<JobCancelledResponse>()
            .CalledBy(ApiCallers.SignedInUser | ApiCallers.AnonymousSession)
            .WithName("cancelJob")
            .WithSummary("Cancel a job")
            .WithDescription("Cancels a queued or running job; its status eventually moves to `failed` with `error: \"Cancelled\"`.")
            .AnswersFailure(StatusCodes.Status401Unauthorized, NoCaller)
            .AnswersFailure(StatusCodes.Status404NotFound, JobNotFound)
            .AnswersFailure(StatusCodes.Status409Conflict, $"The job already ended: \"{JobMessages.AlreadyFinished}\".");
        jobs.MapGet("/{jobId}/stream", JobStream.StreamAsync).AllowTokenFromQuery()
            .Answers<RouteHandlerBuilder, string>(StatusCodes.Status200OK, "The event stream.", "text/event-stream")
            .CalledBy(ApiCallers.SignedInUser | ApiCallers.AnonymousSession)
            .WithName("streamJob")
            .WithSummary("Follow a job's progress")
            .WithDescription($$"""
                Server-Sent Events (`text/event-stream`) of one job, readable from any Api replica. The JWT may be given as
                `?token=<token>` (EventSource cannot send headers). Events: `{{StreamEvents.Connected}}` → `{{StreamEvents.ProgressUpdate}}`
                (repeated) → `{{StreamEvents.Complete}}` or `{{StreamEvents.Failed}}`, then the stream ends. Each event's `id` is its position:
                a client that reconnects with `Last-Event-ID` resumes right after the last event it saw. Every `data` is JSON:

                - `{{StreamEvents.Connected}}` (`StreamConnected`): `jobId`, `status` (the job's status when the stream opened).
                - `{{StreamEvents.ProgressUpdate}}` (`StreamProgress`): `jobId`, `status` (`running`), `progress` (0–100), `currentStep`
                  (e.g. `"Strategy 2 of 3: Generating 30-day ideas with AI..."`), `phase` (`audience`, `organization`, `keywords`,
                  `generating`, `saving`), `estimatedTimeRemaining` (seconds), `strategyIndex`, `strategyTotal`, `strategyId`; null when unknown.
                - `{{StreamEvents.Complete}}` (`StreamComplete`): `jobId`, `status` (`succeeded`), `result` (the job's result, as in the status), `completedAt`.
                - `{{StreamEvents.Failed}}` (`StreamFailed`): `jobId`, `status` (`failed`), `error`, `errorCode`, `completedAt`.
                  Offer `POST /api/v1/jobs/{jobId}/retry`.

                ```
                event: progress-update
                id: 1769688075000-0
                data: {"jobId":"3f1c…","status":"running","progress":40,"currentStep":"Strategy 2 of 3: Generating 30-day ideas with AI...","phase":"generating","estimatedTimeRemaining":30,"strategyIndex":2,"strategyTotal":3,"strategyId":null}
                ```
                """)
            .AnswersFailure(StatusCodes.Status401Unauthorized, NoCaller)
            .AnswersFailure(StatusCodes.Status404NotFound, JobNotFound)
            .DisableRequestTimeout();
        return jobs;
    }

    private static async Task<IResult> StartWebsiteAnalysis(JsonBody body, HttpContext http, JobQueue queue, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http);
        if (!caller.IsKnown)
        {
            return ApiFailure.NoCaller(http, Caller.SignInOrSession);
        }
        var url = body.GetString("url");
        if (string.IsNullOrWhiteSpace(url))
        {
            return ApiFailure.BadRequest(JobMessages.UrlRequired);
        }
        if (url.Length > Limits.Url || WebsiteFetcher.ParseWebUrl(url) is null)
        {
            return ApiFailure.BadRequest(JobMessages.UrlInvalid);
        }
        return await EnqueueAsync(queue, new EnqueueRequest(JobKinds.WebsiteAnalysis, caller.Owner, new WebsiteAnalysisJobPayload(url.Trim())), cancellationToken);
    }

    private static async Task<IResult> StartContentGeneration(
        JsonBody body, HttpContext http, JobQueue queue, ContentDbContext db, CancellationToken cancellationToken)
    {
        if (Caller.From(http).UserId is not { } userId)
        {
            return ApiFailure.NoCaller(http, AuthMessages.NoToken);
        }
        if (!body.IsObject)
        {
            return ApiFailure.BadRequest(JobMessages.InvalidBody);
        }
        if (ContentGenerationProblem(body) is { } problem)
        {
            return ApiFailure.BadRequest(problem);
        }
        var payload = ContentGenerationPayload(body);
        if (payload.OrganizationId is { } organizationId
            && !await db.Organizations.AnyAsync(o => o.Id == organizationId && o.UserId == userId, cancellationToken))
        {
            return ApiFailure.BadRequest("organizationId is not one of your organizations");
        }
        return await EnqueueAsync(queue, new EnqueueRequest(JobKinds.ContentGeneration, JobOwner.User(userId), payload), cancellationToken);
    }

    private static async Task<IResult> EnqueueAsync(JobQueue queue, EnqueueRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var (job, _) = await queue.EnqueueAsync(request, cancellationToken);
            return TypedResults.Created($"/api/v1/jobs/{job.Id}/status", new JobCreatedResponse(job.Id));
        }
        catch (JobQueueUnavailableException)
        {
            return ApiFailure.QueueUnavailable();
        }
    }

    // The payload of a request ContentGenerationProblem found nothing wrong with.
    private static ContentGenerationJobPayload ContentGenerationPayload(JsonBody body) => new(
        Topic(body)!.Value,
        body.TryGet("businessInfo", out var business) && business.ValueKind == JsonValueKind.Object ? business.Clone() : null,
        Guid.TryParse(body.GetString("organizationId"), out var organizationId) ? organizationId : null,
        body.GetString("additionalInstructions")?.Trim() is { Length: > 0 } instructions ? instructions : null,
        new ContentGenerationOptions(
            Option(body, "includeVisuals")?.GetBoolean() ?? false,
            Option(body, "autoSave")?.GetBoolean() ?? false,
            Option(body, "status")?.GetString() ?? PostStatus.Draft));

    private static string? ContentGenerationProblem(JsonBody body)
    {
        if (Topic(body) is not { } topic)
        {
            return JobMessages.TopicRequired;
        }
        if (topic.GetRawText().Length > MaxObjectLength || topic.GetProperty("title").GetString()!.Trim().Length > Limits.Title)
        {
            return $"topic is too large (a title of at most {Limits.Title} characters, {MaxObjectLength} characters in all)";
        }
        if (body.Has("businessInfo") && (!body.TryGet("businessInfo", out var business) || business.ValueKind != JsonValueKind.Object
            || business.GetRawText().Length > MaxObjectLength))
        {
            return $"businessInfo must be an object of at most {MaxObjectLength} characters";
        }
        if (body.Has("organizationId") && !Guid.TryParse(body.GetString("organizationId"), out _))
        {
            return "organizationId must be a UUID";
        }
        if (!body.TryGetOptionalString("additionalInstructions", out var instructions) || instructions?.Length > Limits.Prompt)
        {
            return $"additionalInstructions must be a string of at most {Limits.Prompt} characters";
        }
        if (body.Has("options") && (!body.TryGet("options", out var options) || options.ValueKind != JsonValueKind.Object))
        {
            return "options must be an object";
        }
        if (Option(body, "includeVisuals") is { ValueKind: not (JsonValueKind.True or JsonValueKind.False) }
            || Option(body, "autoSave") is { ValueKind: not (JsonValueKind.True or JsonValueKind.False) })
        {
            return "options.includeVisuals and options.autoSave must be true or false";
        }
        if (Option(body, "status") is { } status && !(status.ValueKind == JsonValueKind.String && PostStatus.IsValid(status.GetString())))
        {
            return $"options.status must be \"{PostStatus.Draft}\" or \"{PostStatus.Published}\"";
        }
        return null;
    }

    // The topic object with a non-empty title; a bare string is taken as the title.
    private static JsonElement? Topic(JsonBody body)
    {
        if (!body.TryGet("topic", out var topic))
        {
            return null;
        }
        if (topic.ValueKind == JsonValueKind.String)
        {
            return string.IsNullOrWhiteSpace(topic.GetString()) ? null : JsonSerializer.SerializeToElement(new { title = topic.GetString() });
        }
        return topic.ValueKind == JsonValueKind.Object && topic.TryGetProperty("title", out var title)
            && title.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(title.GetString())
            ? topic.Clone()
            : null;
    }

    private static JsonElement? Option(JsonBody body, string name) =>
        body.TryGet("options", out var options) && options.ValueKind == JsonValueKind.Object
        && options.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private static async Task<IResult> GetStatus(string jobId, HttpContext http, JobStore store, CancellationToken cancellationToken)
    {
        var (job, failure) = await FindOwnedAsync(jobId, http, store, cancellationToken);
        if (job is null)
        {
            return failure!;
        }
        JsonElement? result = null;
        if (job.Result is not null)
        {
            using var document = JsonDocument.Parse(job.Result);
            result = document.RootElement.Clone();
        }
        return TypedResults.Ok(new JobStatusResponse(job.Id, job.Status, job.Progress, job.CurrentStep, job.EstimatedTimeRemaining,
            job.Error, job.ErrorCode, result, job.CreatedAt, job.UpdatedAt));
    }

    private static async Task<IResult> Retry(string jobId, HttpContext http, JobStore store, JobQueue queue, CancellationToken cancellationToken)
    {
        var (job, failure) = await FindOwnedAsync(jobId, http, store, cancellationToken);
        if (job is null)
        {
            return failure!;
        }
        try
        {
            var retried = await queue.RetryAsync(job.Id, cancellationToken);
            return retried.Outcome switch
            {
                RetryOutcome.Requeued => TypedResults.Ok(new JobCreatedResponse(job.Id)),
                RetryOutcome.NotFound => NotFound(),
                _ => ApiFailure.Result(StatusCodes.Status409Conflict, "Job not failed", JobMessages.NotRetryable),
            };
        }
        catch (JobQueueUnavailableException)
        {
            return ApiFailure.QueueUnavailable();
        }
        // A calendar job can only be retried while its audience has no other calendar job queued or running.
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return ApiFailure.Result(StatusCodes.Status409Conflict, "Job in progress", JobMessages.SubjectBusy);
        }
    }

    private static async Task<IResult> Cancel(string jobId, HttpContext http, JobStore store, JobQueue queue, CancellationToken cancellationToken)
    {
        var (job, failure) = await FindOwnedAsync(jobId, http, store, cancellationToken);
        if (job is null)
        {
            return failure!;
        }
        var cancelled = await queue.CancelAsync(job.Id, cancellationToken);
        return cancelled.Outcome switch
        {
            CancelOutcome.Cancelled => TypedResults.Ok(new JobCancelledResponse(true)),
            CancelOutcome.NotFound => NotFound(),
            _ => ApiFailure.Result(StatusCodes.Status409Conflict, "Job already finished", JobMessages.AlreadyFinished),
        };
    }

    // The caller's job, or the answer to give instead: 401 without credentials, 404 for a malformed id, a missing job
    // or someone else's (never telling those apart).
    internal static async Task<(Job? Job, IResult? Failure)> FindOwnedAsync(
        string jobId, HttpContext http, JobStore store, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http);
        if (!caller.IsKnown)
        {
            return (null, ApiFailure.NoCaller(http, Caller.SignInOrSession));
        }
        if (!Guid.TryParse(jobId, out var id))
        {
            return (null, NotFound());
        }
        var job = await store.GetAsync(id, cancellationToken);
        return job is not null && caller.Owns(job.UserId, job.SessionId) ? (job, null) : (null, NotFound());
    }

    private static IResult NotFound() => ApiFailure.Result(StatusCodes.Status404NotFound, JobMessages.NotFound, JobMessages.NotFound);

    // Answer descriptions for the OpenAPI document.
    internal const string NoCaller = $"Neither a valid JWT nor an `x-session-id` header: error \"{ApiFailure.Unauthorized}\", message \"{Caller.SignInOrSession}\" "
        + $"(\"{AuthMessages.NotAuthorized}\" when a token was sent and refused).";
    internal const string NotSignedIn = $"No valid JWT: error \"{ApiFailure.Unauthorized}\", message \"{AuthMessages.NoToken}\" "
        + $"(\"{AuthMessages.NotAuthorized}\" when a token was sent and refused).";
    internal const string QueueUnavailable = $"The job queue is unavailable; nothing was created: error \"{ApiFailure.ServiceUnavailable}\", "
        + $"message \"{ApiFailure.QueueUnavailableMessage}\".";
    internal const string TooManyJobs = "Too many jobs started by this caller in a short time; the `Retry-After` header says when to try again.";
    private const string JobNotFound = $"No such job of this caller (a malformed id, a missing job and another caller's job all read the same): "
        + $"error and message \"{JobMessages.NotFound}\".";
}
