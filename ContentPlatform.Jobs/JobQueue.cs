using System.Diagnostics;
using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// The producer side: enqueue, cancel and retry jobs. Every job is a row first, then a Redis message.
public sealed class JobQueue : IAsyncDisposable
{
    public const int MaxKindLength = 64;

    private readonly IConnectionMultiplexer _redis;
    private readonly JobKeys _keys;
    private readonly JobStore _store;
    private readonly JobEventPublisher _events;
    private readonly IOptions<JobsOptions> _options;
    private readonly ILogger<JobQueue> _logger;
    private readonly BatchWriter<NewJob, Job?> _inserts;

    internal JobQueue(IConnectionMultiplexer redis, JobKeys keys, JobStore store, JobEventPublisher events,
        IOptions<JobsOptions> options, ILogger<JobQueue> logger)
    {
        _redis = redis;
        _keys = keys;
        _store = store;
        _events = events;
        _options = options;
        _logger = logger;
        _inserts = new BatchWriter<NewJob, Job?>(store.InsertAsync);
    }

    public async Task<EnqueueResult> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        using var activity = JobTelemetry.Source.StartActivity($"enqueue {request.Kind}", ActivityKind.Producer);
        var (traceParent, traceState) = JobTelemetry.CurrentContext();
        var payload = JsonSerializer.Serialize(request.Payload, JobJson.Options);
        var newJob = new NewJob(Guid.CreateVersion7(), request.Kind, request.Owner.UserId, request.Owner.SessionId,
            request.SubjectId, payload, request.MaxAttempts ?? _options.Value.MaxAttempts,
            request.Delay, traceParent, traceState);
        activity?.SetTag("job.id", newJob.Id).SetTag("job.kind", newJob.Kind);

        while (true)
        {
            // Not abandoned on cancellation: a row written without its message would wait for the reconciler.
            var job = await _inserts.WriteAsync(newJob);
            if (job is not null)
            {
                await PublishOrRemoveAsync(job);
                return new EnqueueResult(job, Created: true);
            }
            // The subject has an active job; if it ended in between, insert again.
            if (await _store.FindActiveAsync(newJob.Kind, newJob.SubjectId!.Value, cancellationToken) is { } existing)
            {
                return new EnqueueResult(existing, Created: false);
            }
        }
    }

    public async Task<CancelResult> CancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var cancelled = await _store.FailUnfinishedAsync(jobId, JobErrors.Cancelled, JobErrors.CancelledCode, cancellationToken);
        if (cancelled is null)
        {
            var job = await _store.GetAsync(jobId, cancellationToken);
            return new CancelResult(job is null ? CancelOutcome.NotFound : CancelOutcome.AlreadyFinished, job);
        }
        // The row is final already; Redis only has to stop the work and tell readers. A queued job's
        // leftover stream message is dropped by the Worker, which finds the row no longer queued.
        try
        {
            var db = _redis.GetDatabase();
            await Task.WhenAll(
                db.SortedSetRemoveAsync(_keys.Delayed(cancelled.Kind), JobMessage.DelayedMember(cancelled.Id, cancelled.TraceParent, cancelled.TraceState)),
                db.PublishAsync(_keys.CancelChannel, cancelled.Id.ToString("N")),
                _events.PublishTerminalAsync(cancelled));
        }
        catch (RedisException ex)
        {
            _logger.LogWarning(ex, "Job {JobId} was cancelled, but Redis could not be told", jobId);
        }
        return new CancelResult(CancelOutcome.Cancelled, cancelled);
    }

    public async Task<RetryResult> RetryAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var before = await _store.GetAsync(jobId, cancellationToken);
        if (before is null)
        {
            return new RetryResult(RetryOutcome.NotFound, null);
        }
        var requeued = await _store.RequeueFailedAsync(jobId, _options.Value.MaxAttempts, cancellationToken);
        if (requeued is null)
        {
            return new RetryResult(RetryOutcome.NotFailed, before);
        }
        try
        {
            await PublishAsync(requeued);
        }
        catch (RedisException ex)
        {
            await _store.RestoreFailedAsync(before);
            throw new JobQueueUnavailableException("The job queue is unavailable.", ex);
        }
        return new RetryResult(RetryOutcome.Requeued, requeued);
    }

    private async Task PublishOrRemoveAsync(Job job)
    {
        try
        {
            await PublishAsync(job);
        }
        catch (RedisException ex)
        {
            await _store.DeleteQueuedAsync(job.Id);
            throw new JobQueueUnavailableException("The job queue is unavailable.", ex);
        }
    }

    private async Task PublishAsync(Job job)
    {
        var db = _redis.GetDatabase();
        if (job.ScheduledFor > DateTime.UtcNow)
        {
            using var _ = JobTelemetry.StartRedis("ZADD", job.Kind);
            var due = new DateTimeOffset(job.ScheduledFor, TimeSpan.Zero).ToUnixTimeMilliseconds();
            await db.ScriptEvaluateAsync(JobScripts.Schedule, [_keys.Delayed(job.Kind)],
                [_keys.WakeChannel.ToString(), job.Kind, due, JobMessage.DelayedMember(job.Id, job.TraceParent, job.TraceState)]);
        }
        else
        {
            using var _ = JobTelemetry.StartRedis("XADD", job.Kind);
            await db.ScriptEvaluateAsync(JobScripts.Enqueue, [_keys.Stream(job.Kind)],
                [_keys.WakeChannel.ToString(), job.Kind, job.Id.ToString("N"), job.TraceParent ?? "", job.TraceState ?? ""]);
        }
    }

    private static void Validate(EnqueueRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Kind) || request.Kind.Length > MaxKindLength || request.Kind.Contains('|'))
        {
            throw new ArgumentException($"A job kind is 1 to {MaxKindLength} characters.", nameof(request));
        }
        if ((request.Owner.UserId is null) == (request.Owner.SessionId is null))
        {
            throw new ArgumentException("A job has exactly one owner: a user id or a session id.", nameof(request));
        }
        if (request.Owner.SessionId is { Length: > Limits.SessionId })
        {
            throw new ArgumentException($"A session id is at most {Limits.SessionId} characters.", nameof(request));
        }
        if (request.Delay < TimeSpan.Zero || request.MaxAttempts is < 1)
        {
            throw new ArgumentException("Delay must not be negative and MaxAttempts must be positive.", nameof(request));
        }
    }

    public ValueTask DisposeAsync() => _inserts.DisposeAsync();
}
