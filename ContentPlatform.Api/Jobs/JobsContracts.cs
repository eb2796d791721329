using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using System.Text.Json;

namespace ContentPlatform.Api.Jobs;

public sealed record WebsiteAnalysisRequest([property: Url, MaxLength(Limits.Url)] string Url);

public sealed record ContentGenerationRequest(
    [property: Description("The topic: an object with a non-empty `title` (at most 500 characters) and any other fields, or just the title as a string.")]
    JsonElement Topic,
    [property: Description("The business the post is written for (`businessType`, `targetAudience`, …): an object.")] JsonElement? BusinessInfo,
    [property: Description("One of the user's organizations.")] Guid? OrganizationId,
    [property: MaxLength(Limits.Prompt)] string? AdditionalInstructions,
    ContentGenerationRequestOptions? Options);

public sealed record ContentGenerationRequestOptions(
    bool? IncludeVisuals,
    [property: Description("Save the post (`savedPost` of the result, `GET /api/v1/posts`).")] bool? AutoSave,
    [property: AllowedValues(PostStatus.Draft, PostStatus.Published)] string? Status);

public sealed record JobCreatedResponse(Guid JobId);

// Exactly the fields of document 001 §3.2; result is the job's JSON result (null until it succeeds).
public sealed record JobStatusResponse(
    Guid JobId,
    string Status,
    int Progress,
    string? CurrentStep,
    int? EstimatedTimeRemaining,
    string? Error,
    string? ErrorCode,
    JsonElement? Result,
    DateTime CreatedAt,
    DateTime UpdatedAt);

public sealed record JobCancelledResponse(bool Cancelled);

// The data of the stream's events (GET /api/v1/jobs/{jobId}/stream).
public sealed record StreamConnected(Guid JobId, string Status);

public sealed record StreamProgress(
    Guid JobId,
    string Status,
    int Progress,
    string? CurrentStep,
    string? Phase,
    int? EstimatedTimeRemaining,
    int? StrategyIndex,
    int? StrategyTotal,
    string? StrategyId);

public sealed record StreamComplete(Guid JobId, string Status, JsonElement? Result, DateTime? CompletedAt);

public sealed record StreamFailed(Guid JobId, string Status, string? Error, string? ErrorCode, DateTime? CompletedAt);

public static class JobMessages
{
    public const string NotFound = "Job not found";
    public const string UrlRequired = "url is required";
    public const string UrlInvalid = "url must be an absolute http or https URL";
    public const string InvalidBody = "Invalid request body";
    public const string TopicRequired = "topic is required (an object with a title)";
    public const string NotRetryable = "Only failed jobs can be retried";
    public const string AlreadyFinished = "Only queued or running jobs can be cancelled";
    public const string SubjectBusy = "Another job for the same subject is already queued or running";
}

// Event names of the job stream.
public static class StreamEvents
{
    public const string Connected = "connected";
    public const string ProgressUpdate = "progress-update";
    public const string Complete = "complete";
    public const string Failed = "failed";

    // The id of "connected" when the client sent no usable Last-Event-ID: the position before the job's first event.
    public const string Start = "0-0";
}
