namespace ContentPlatform.Data.Entities;

// A job is a row before it is anything else: Redis only carries its id.
public sealed class Job
{
    public Guid Id { get; set; }
    public required string Kind { get; set; }
    // Exactly one owner: a signed-in user or an anonymous session (x-session-id).
    public Guid? UserId { get; set; }
    public string? SessionId { get; set; }
    public string Status { get; set; } = JobStatus.Queued;
    public int Progress { get; set; }
    public string? CurrentStep { get; set; }
    public string? Phase { get; set; }
    public int? EstimatedTimeRemaining { get; set; }
    public int? StrategyIndex { get; set; }
    public int? StrategyTotal { get; set; }
    public string? StrategyId { get; set; }
    // What the job is about (e.g. an audience for a content calendar): one active job per kind and subject.
    public Guid? SubjectId { get; set; }
    public string Payload { get; set; } = "{}";
    public string? Result { get; set; }
    public string? Error { get; set; }
    public string? ErrorCode { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public DateTime ScheduledFor { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }
}

public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
