using System.Text.Json;
using ContentPlatform.Data.Entities;

namespace ContentPlatform.Jobs;

// Exactly one of the two is set: a signed-in user, or an anonymous session (x-session-id).
public sealed record JobOwner(Guid? UserId, string? SessionId)
{
    public static JobOwner User(Guid userId) => new(userId, null);
    public static JobOwner Session(string sessionId) => new(null, sessionId);
}

public sealed record EnqueueRequest(string Kind, JobOwner Owner, object Payload)
{
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;
    // What the job is about; at most one queued or running job per kind and subject.
    public Guid? SubjectId { get; init; }
    public int? MaxAttempts { get; init; }
}

// Created is false when the subject already had a queued or running job of this kind: Job is that job.
public sealed record EnqueueResult(Job Job, bool Created);

public enum CancelOutcome { Cancelled, NotFound, AlreadyFinished }

public sealed record CancelResult(CancelOutcome Outcome, Job? Job);

public enum RetryOutcome { Requeued, NotFound, NotFailed }

public sealed record RetryResult(RetryOutcome Outcome, Job? Job);

// Redis could not be reached: nothing was queued and no row was left behind. The Api answers 503.
public sealed class JobQueueUnavailableException(string message, Exception inner) : Exception(message, inner);

public static class JobEventTypes
{
    public const string Progress = "progress";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static bool IsTerminal(string type) => type is Succeeded or Failed;
}

// Id is the Redis stream entry id, usable as an SSE event id and Last-Event-ID.
// Data of a terminal event: jobId, kind, userId, sessionId, status, result | error + errorCode, completedAt.
// Data of a progress event: jobId, status "running", progress, currentStep, phase, estimatedTimeRemaining, strategy*.
public sealed record JobEvent(string Id, Guid JobId, string Type, JsonElement Data)
{
    public bool IsTerminal => JobEventTypes.IsTerminal(Type);
}

// Typed reads of a job event's data (JobEvent.Data): null when the field is missing or of another kind.
public static class JsonFields
{
    public static string? String(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static int? Int(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    public static DateTime? Time(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTime(out var time)
            ? time.ToUniversalTime()
            : null;

    public static JsonElement? Element(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}

public sealed record JobProgress(
    int Progress,
    string? CurrentStep = null,
    string? Phase = null,
    int? EstimatedTimeRemaining = null,
    int? StrategyIndex = null,
    int? StrategyTotal = null,
    string? StrategyId = null);

public interface IJobHandler
{
    // The return value is the job's result, stored as jsonb (null for none).
    Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken);
}

// A permanent failure: the job fails at once with this message, without retries.
public sealed class JobFailedException(string message, string? errorCode = null) : Exception(message)
{
    public string? ErrorCode { get; } = errorCode;
}

public sealed class JobContext
{
    private readonly Func<JobProgress, ValueTask> _reportProgress;

    internal JobContext(Job job, Func<JobProgress, ValueTask> reportProgress)
    {
        Job = job;
        _reportProgress = reportProgress;
    }

    public Job Job { get; }
    public int Attempt => Job.Attempts;

    public T Payload<T>() =>
        JsonSerializer.Deserialize<T>(Job.Payload, JobJson.Options)
        ?? throw new JobFailedException($"The job's payload is not a {typeof(T).Name}.", "invalid_payload");

    // Sends a progress event at once; the row is updated at most every Jobs:ProgressWriteInterval.
    public ValueTask ReportProgressAsync(JobProgress progress) => _reportProgress(progress);
}

internal static class JobJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

public static class JobErrors
{
    public const string Cancelled = "Cancelled";
    public const string CancelledCode = "cancelled";
    public const string PoisonCode = "max_deliveries_exceeded";
    public const string FailedCode = "failed";
}
