using System.Text.Json;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Api.Jobs;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation;
using ContentPlatform.Generation.Calendars;
using ContentPlatform.Generation.Images;
using ContentPlatform.Jobs;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Api.Audiences;

// Audiences and their content calendars (document 000). An audience belongs to a user (JWT) or an anonymous session
// (x-session-id), like the website analysis that usually creates it; a calendar can only be requested by a signed-in user.
public static class AudiencesApi
{
    public static RouteGroupBuilder MapAudiencesApiV1(this IEndpointRouteBuilder app)
    {
        var audiences = app.MapGroup("/api/v1/audiences").WithTags("Audiences");
        audiences.MapPost("", Create).Accepts<CreateAudienceRequest>("application/json").Produces<AudienceEnvelope>(StatusCodes.Status201Created)
            .CalledBy(ApiCallers.SignedInUser | ApiCallers.AnonymousSession)
            .WithName("createAudience")
            .WithSummary("Create an audience")
            .WithDescription("Creates an audience owned by the signed-in user, or by the anonymous session (`x-session-id`). "
                + "`organizationId`, when given, must be one of the caller's organizations.")
            .WithRequestExample(new { name = "Nonprofit executive directors", description = "Leaders of small nonprofits who answer to a board." })
            .AnswersFailure(StatusCodes.Status400BadRequest,
                $"Missing name (\"{AudienceMessages.NameRequired}\"), a field too long, or an `organizationId` that is not one of the caller's.")
            .AnswersFailure(StatusCodes.Status401Unauthorized, JobsApi.NoCaller);
        audiences.MapGet("", List).Produces<AudienceListEnvelope>()
            .CalledBy(ApiCallers.SignedInUser | ApiCallers.AnonymousSession)
            .WithName("listAudiences")
            .WithSummary("List audiences")
            .WithDescription("The caller's audiences, newest first, each with `content_calendar_job_id` while a calendar job is queued or running.")
            .AnswersFailure(StatusCodes.Status401Unauthorized, JobsApi.NoCaller);
        audiences.MapGet("/{id}", Get).Produces<AudienceEnvelope>()
            .CalledBy(ApiCallers.SignedInUser | ApiCallers.AnonymousSession)
            .WithName("getAudience")
            .WithSummary("Get an audience")
            .WithDescription("The audience, with its 30-day calendar in `content_ideas` once generated. `content_calendar_job_id` is present "
                + "when the calendar is not ready but a content_calendar job is queued or running: use it as `jobId` for "
                + "`GET /api/v1/jobs/{jobId}/stream` or `/status`. The optional `?testbed=1` of the calendar testbed changes nothing.")
            .AnswersFailure(StatusCodes.Status401Unauthorized, JobsApi.NoCaller)
            .AnswersFailure(StatusCodes.Status404NotFound, AudienceNotFound);
        audiences.MapPost("/{audienceId}/request-content-calendar", RequestContentCalendar)
            .RequireRateLimiting(RateLimits.JobCreation)
            .Produces<ContentCalendarJobResponse>(StatusCodes.Status201Created)
            .Produces<ContentCalendarJobResponse>()
            .CalledBy(ApiCallers.SignedInUser)
            .WithName("requestContentCalendar")
            .WithSummary("Request content calendar")
            .WithDescription("Enqueues a content calendar job for an audience and answers `201 { success, jobId }`. Idempotent: if a job is "
                + "already queued or running for that audience, answers 200 with that job's `jobId` and "
                + $"`message: \"{AudienceMessages.AlreadyInProgress}\"` instead of creating a duplicate. Body: empty `{{}}` or none.")
            .AnswersFailure(StatusCodes.Status401Unauthorized, JobsApi.NotSignedIn)
            .AnswersFailure(StatusCodes.Status404NotFound, AudienceNotFound)
            .AnswersFailure(StatusCodes.Status429TooManyRequests, JobsApi.TooManyJobs)
            .AnswersFailure(StatusCodes.Status503ServiceUnavailable, JobsApi.QueueUnavailable);
        return audiences;
    }

    private static async Task<IResult> Create(JsonBody body, HttpContext http, ContentDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http);
        if (!caller.IsKnown)
        {
            return ApiFailure.NoCaller(http, Caller.SignInOrSession);
        }
        var name = body.GetString("name")?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return ApiFailure.BadRequest(AudienceMessages.NameRequired);
        }
        if (name.Length > Limits.Name)
        {
            return ApiFailure.BadRequest($"name must have at most {Limits.Name} characters");
        }
        if (!body.TryGetOptionalString("description", out var description) || description?.Length > Limits.Description)
        {
            return ApiFailure.BadRequest($"description must be a string of at most {Limits.Description} characters");
        }
        Guid? organizationId = null;
        if (body.Has("organizationId"))
        {
            if (!Guid.TryParse(body.GetString("organizationId"), out var id))
            {
                return ApiFailure.BadRequest("organizationId must be a UUID");
            }
            var owned = caller.UserId is { } userId
                ? db.Organizations.Where(o => o.Id == id && o.UserId == userId)
                : db.Organizations.Where(o => o.Id == id && o.SessionId == caller.SessionId);
            if (!await owned.AnyAsync(cancellationToken))
            {
                return ApiFailure.BadRequest("organizationId is not one of your organizations");
            }
            organizationId = id;
        }

        var owner = caller.Owner;
        var now = time.UtcNowMilliseconds();
        var audience = new Audience
        {
            Id = Guid.CreateVersion7(),
            UserId = owner.UserId,
            SessionId = owner.SessionId,
            OrganizationId = organizationId,
            Name = name,
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Audiences.Add(audience);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/audiences/{audience.Id}", new AudienceEnvelope(true, ToResponse(audience, null)));
    }

    private static async Task<IResult> List(HttpContext http, ContentDbContext db, JobStore store, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http);
        if (!caller.IsKnown)
        {
            return ApiFailure.NoCaller(http, Caller.SignInOrSession);
        }
        var audiences = await OwnedBy(db.Audiences.AsNoTracking(), caller)
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
            .ToListAsync(cancellationToken);
        var jobs = await ActiveCalendarJobsAsync(store, audiences.Select(a => a.Id).ToList(), cancellationToken);
        return TypedResults.Ok(new AudienceListEnvelope(true, audiences.ConvertAll(a => ToResponse(a, jobs.GetValueOrDefault(a.Id)))));
    }

    // ?testbed=1 (the frontend's calendar testbed) is accepted and changes nothing: the testbed reads the same audience.
    private static async Task<IResult> Get(string id, HttpContext http, ContentDbContext db, JobStore store, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http);
        if (!caller.IsKnown)
        {
            return ApiFailure.NoCaller(http, Caller.SignInOrSession);
        }
        var audience = Guid.TryParse(id, out var audienceId)
            ? await OwnedBy(db.Audiences.AsNoTracking(), caller).FirstOrDefaultAsync(a => a.Id == audienceId, cancellationToken)
            : null;
        if (audience is null)
        {
            return NotFound();
        }
        var jobs = await ActiveCalendarJobsAsync(store, [audience.Id], cancellationToken);
        return TypedResults.Ok(new AudienceEnvelope(true, ToResponse(audience, jobs.GetValueOrDefault(audience.Id))));
    }

    // Idempotent: the job engine's unique index on (kind, subject) for queued and running jobs lets exactly one request
    // create the audience's job; every other gets that job (Created = false), however many arrive at once.
    private static async Task<IResult> RequestContentCalendar(
        string audienceId, HttpContext http, ContentDbContext db, JobQueue queue, CancellationToken cancellationToken)
    {
        if (http.User.TryGetUserId() is not { } userId)
        {
            return ApiFailure.NoCaller(http, AuthMessages.NoToken);
        }
        if (!Guid.TryParse(audienceId, out var id) || !await db.Audiences.AnyAsync(a => a.Id == id && a.UserId == userId, cancellationToken))
        {
            return NotFound();
        }
        try
        {
            var (job, created) = await queue.EnqueueAsync(
                new EnqueueRequest(JobKinds.ContentCalendar, JobOwner.User(userId), new ContentCalendarJobPayload(id)) { SubjectId = id },
                cancellationToken);
            return created
                ? TypedResults.Created($"/api/v1/jobs/{job.Id}/status", new ContentCalendarJobResponse(true, job.Id))
                : TypedResults.Ok(new ContentCalendarJobResponse(true, job.Id, AudienceMessages.AlreadyInProgress));
        }
        catch (JobQueueUnavailableException)
        {
            return ApiFailure.QueueUnavailable();
        }
    }

    private static IQueryable<Audience> OwnedBy(IQueryable<Audience> audiences, Caller caller)
    {
        var (userId, sessionId) = (caller.UserId, caller.SessionId);
        return audiences.Where(a => (userId != null && a.UserId == userId) || (sessionId != null && a.SessionId == sessionId));
    }

    private static async Task<Dictionary<Guid, Guid?>> ActiveCalendarJobsAsync(
        JobStore store, List<Guid> audienceIds, CancellationToken cancellationToken)
    {
        var jobs = await store.ListActiveAsync(JobKinds.ContentCalendar, audienceIds, cancellationToken);
        return jobs.ToDictionary(j => j.SubjectId!.Value, j => (Guid?)j.Id);
    }

    private static AudienceResponse ToResponse(Audience audience, Guid? calendarJobId) => new(
        audience.Id,
        audience.Name,
        audience.Description,
        audience.Pitch,
        audience.ImageId is { } imageId ? ImageUrls.For(imageId) : null,
        audience.Keywords,
        audience.OrganizationId,
        Parse(audience.Scenario),
        Parse(audience.ContentIdeas),
        audience.ContentCalendarGeneratedAt,
        calendarJobId,
        audience.CreatedAt,
        audience.UpdatedAt);

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private const string AudienceNotFound = $"The audience does not exist or the caller does not own it: error \"{AudienceMessages.NotFound}\".";

    private static IResult NotFound() =>
        ApiFailure.Result(StatusCodes.Status404NotFound, AudienceMessages.NotFound, AudienceMessages.NotFoundDetail);
}
