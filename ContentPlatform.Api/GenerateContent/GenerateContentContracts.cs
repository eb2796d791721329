using System.ComponentModel.DataAnnotations;
using ContentPlatform.Data;
using System.Text.Json.Serialization;
using ContentPlatform.Api.Content;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.Content;
using ContentPlatform.Jobs;

namespace ContentPlatform.Api.GenerateContent;

public sealed class GenerateContentOptions
{
    public const string Section = "GenerateContent";

    // The documents' mandatory wait before a job runs; 0 in tests.
    public int DelaySeconds { get; set; } = 60;

    // How long a generation is expected to take once it starts, for estimatedCompletionTime.
    public int EstimatedGenerationSeconds { get; set; } = 30;
}

public sealed record QueueGenerationRequest(
    [property: MinLength(1), MaxLength(Limits.Prompt)] string Prompt,
    [property: AllowedValues(ContentTypes.BlogPostOutline, ContentTypes.ProductDescription, ContentTypes.SocialMediaCaption)] string ContentType);

public sealed record SaveGeneratedContentRequest([property: MinLength(1), MaxLength(Limits.Title)] string? Title);

public sealed record QueuedGenerationResponse(
    string Message,
    Guid JobId,
    string Status,
    int DelaySeconds,
    DateTime ScheduledFor,
    DateTime EstimatedCompletionTime);

// GET /generate-content/:jobId: the fields each status shows in document 003 §6.2, and no others.
public sealed record GenerationStatusResponse(
    Guid JobId,
    string Status,
    string ContentType,
    string Prompt,
    DateTime ScheduledFor,
    DateTime CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GeneratedContent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CompletedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

// GET /generate-content: the Job model of document 003 §8.3.
public sealed record GenerationJobResponse(
    [property: JsonPropertyName("_id")] Guid Id,
    Guid JobId,
    Guid UserId,
    string Prompt,
    string ContentType,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GeneratedContent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    DateTime ScheduledFor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CompletedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: JsonPropertyName("__v")] int Version);

public sealed record SavedContentResponse(string Message, ContentResponse Content);

public sealed record IncompleteJobResponse(string Message, string CurrentStatus);

// The real-time `job_completed` payload of document 003 §7.3.
public sealed record JobCompletedPayload(
    Guid UserId,
    Guid JobId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GeneratedContent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    DateTime CompletedAt);

public static class GenerateContentMessages
{
    public const string Queued = "Content generation job queued successfully";
    public const string MissingFields = "Please provide prompt and contentType";
    public const string InvalidType = "Invalid content type. Must be one of: Blog Post Outline, Product Description, Social Media Caption";
    public const string PromptTooLong = "Prompt must be at most 2000 characters";
    public const string InvalidTitle = "Title must be a non-empty string";
    public const string JobNotFound = "Job not found";
    public const string Incomplete = "Cannot save content from incomplete job";
    public const string NoContent = "No generated content available";
    public const string Saved = "Content saved successfully";
    public const string QueueUnavailable = "Job queue is temporarily unavailable, please try again later";
}

// The document's statuses for the engine's: processing for running, completed for succeeded, and error for a
// job the system gave up on (a message that kept failing delivery) rather than one the generation failed.
public static class GenerationStatus
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Error = "error";

    public static string Of(Job job) => job.Status switch
    {
        JobStatus.Queued => Queued,
        JobStatus.Running => Processing,
        JobStatus.Succeeded => Completed,
        _ when job.ErrorCode == JobErrors.PoisonCode => Error,
        _ => Failed,
    };
}
