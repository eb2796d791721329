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
    private readonly BatchWriter<Job, bool> _publishes;

    internal JobQueue(IConnectionMultiplexer redis, JobKeys keys, JobStore store, JobEventPublisher events,
        IOptions<JobsOptions> options, ILogger<JobQueue> logger)
    {
        _redis = redis;
        _keys = keys;
        _store = store;
        _events = events;
        _options = options;
        _logger = logger;
        // One batch in flight at a time, the next filling meanwhile: every insert is a commit (a WAL flush, two round
        // trips), and PostgreSQL spends far less per job on fewer, fuller batches than on two half-full ones in parallel
        // (README "Performance: the HTTP hot paths"). Likewise one Redis call at a time.
        _inserts = new BatchWriter<NewJob, Job?>(store.InsertAsync, writers: 1);
        _publishes = new BatchWriter<Job, bool>(PublishBatchAsync, writers: 1);
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
            var job = await InsertAsync(newJob, cancellationToken);
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

    // Concurrent enqueues share one insert; a caller that stops waiting (its request's budget is spent while the
    // database stalls) leaves nothing behind: its row is left out of a batch not yet sent, and a row the insert
    // still writes is removed again, since no message will ever be published for it.
    private async Task<Job?> InsertAsync(NewJob newJob, CancellationToken cancellationToken)
    {
        var insert = _inserts.WriteAsync(newJob, cancellationToken);
        try
        {
            return await insert.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!insert.IsCompleted)
        {
            _ = insert.ContinueWith(async inserted =>
            {
                if (inserted.IsCompletedSuccessfully && inserted.Result is { } late)
                {
                    await RemoveAsync(late.Id);
                }
            }, TaskScheduler.Default).Unwrap();
            throw;
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
        catch (Exception ex) when (IsRedisUnavailable(ex))
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
        catch (Exception ex) when (IsRedisUnavailable(ex))
        {
            await _store.RestoreFailedAsync(before);
            throw new JobQueueUnavailableException("The job queue is unavailable.", ex);
        }
        return new RetryResult(RetryOutcome.Requeued, requeued);
    }

    // A command that timed out may still run when Redis wakes up; its message then names a row that no longer
    // exists, and the Worker drops it. PublishAsync waits at most the Redis command timeout, even for a batch
    // that waits behind a stalled one.
    private async Task PublishOrRemoveAsync(Job job)
    {
        try
        {
            await PublishAsync(job).WaitAsync(TimeSpan.FromMilliseconds(_redis.TimeoutMilliseconds));
        }
        catch (Exception ex) when (IsRedisUnavailable(ex))
        {
            await RemoveAsync(job.Id);
            throw new JobQueueUnavailableException("The job queue is unavailable.", ex);
        }
    }

    // Deletes a queued row no message was published for. When the database does not answer either, it keeps
    // trying in the background for a while, so a client told 503 never finds its job running later.
    private async Task RemoveAsync(Guid jobId)
    {
        try
        {
            await _store.DeleteQueuedAsync(jobId);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Job {JobId} could not be removed after its enqueue failed; trying again in the background", jobId);
            _ = RemoveLaterAsync(jobId);
        }
    }

    private async Task RemoveLaterAsync(Guid jobId)
    {
        for (var attempt = 1; attempt <= RemoveAttempts; attempt++)
        {
            await Task.Delay(RemoveRetryDelay);
            try
            {
                await _store.DeleteQueuedAsync(jobId);
                return;
            }
            catch (Exception ex) when (attempt < RemoveAttempts)
            {
                _logger.LogDebug(ex, "Job {JobId} could not be removed yet (attempt {Attempt})", jobId, attempt);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Job {JobId} stays queued without a message: its enqueue failed and the row could not be removed", jobId);
            }
        }
    }

    private static readonly TimeSpan RemoveRetryDelay = TimeSpan.FromSeconds(5);
    private const int RemoveAttempts = 60;

    // StackExchange.Redis reports a stalled server with RedisTimeoutException, a TimeoutException, not a RedisException.
    private static bool IsRedisUnavailable(Exception exception) => exception is RedisException or TimeoutException;

    // Concurrent enqueues share one Redis call (PublishBatchAsync); the span covers this job's wait for it.
    private async Task PublishAsync(Job job)
    {
        using var _ = JobTelemetry.StartRedis(job.ScheduledFor > DateTime.UtcNow ? "ZADD" : "XADD", job.Kind);
        await _publishes.WriteAsync(job, CancellationToken.None);
    }

    private async Task<IReadOnlyList<bool>> PublishBatchAsync(IReadOnlyList<Job> jobs)
    {
        var now = DateTime.UtcNow;
        var (keys, args) = JobScripts.PublishCall(_keys, jobs, job => job.ScheduledFor > now);
        await _redis.GetDatabase().ScriptEvaluateAsync(JobScripts.Publish, keys, args);
        return jobs.Select(_ => true).ToList();
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

    public async ValueTask DisposeAsync()
    {
        await _inserts.DisposeAsync();
        await _publishes.DisposeAsync();
    }
}
