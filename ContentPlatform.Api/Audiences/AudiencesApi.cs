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
        audiences.MapPost("", Create).Accepts<CreateAudienceRequest>("application/json").Produces<AudienceEnvelope>(StatusCodes.Status201Created);
        audiences.MapGet("", List).Produces<AudienceListEnvelope>();
        audiences.MapGet("/{id}", Get).Produces<AudienceEnvelope>();
        audiences.MapPost("/{audienceId}/request-content-calendar", RequestContentCalendar)
            .RequireRateLimiting(RateLimits.JobCreation)
            .Produces<ContentCalendarJobResponse>(StatusCodes.Status201Created)
            .Produces<ContentCalendarJobResponse>();
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

    private static async Task<IResult> List(HttpContext http, ContentDbContext db, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http);
        if (!caller.IsKnown)
        {
            return ApiFailure.NoCaller(http, Caller.SignInOrSession);
        }
        var audiences = await OwnedBy(db.Audiences.AsNoTracking(), caller)
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
            .ToListAsync(cancellationToken);
        var jobs = await ActiveCalendarJobsAsync(db, audiences.Select(a => a.Id).ToList(), cancellationToken);
        return TypedResults.Ok(new AudienceListEnvelope(true, audiences.ConvertAll(a => ToResponse(a, jobs.GetValueOrDefault(a.Id)))));
    }

    // ?testbed=1 (the frontend's calendar testbed) is accepted and changes nothing: the testbed reads the same audience.
    private static async Task<IResult> Get(string id, HttpContext http, ContentDbContext db, CancellationToken cancellationToken)
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
        var jobs = await ActiveCalendarJobsAsync(db, [audience.Id], cancellationToken);
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
        ContentDbContext db, List<Guid> audienceIds, CancellationToken cancellationToken)
    {
        var jobs = await db.Jobs.AsNoTracking()
            .Where(j => j.Kind == JobKinds.ContentCalendar && j.SubjectId != null && audienceIds.Contains(j.SubjectId.Value)
                && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .Select(j => new { AudienceId = j.SubjectId!.Value, j.Id })
            .ToListAsync(cancellationToken);
        return jobs.ToDictionary(j => j.AudienceId, j => (Guid?)j.Id);
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

    private static IResult NotFound() =>
        ApiFailure.Result(StatusCodes.Status404NotFound, AudienceMessages.NotFound, AudienceMessages.NotFoundDetail);
}
