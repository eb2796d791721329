using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ContentPlatform.Data.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

internal sealed class JobHandlerRegistry
{
    public HashSet<string> Kinds { get; } = new(StringComparer.Ordinal);
}

// One stream message as a Worker received it. JobId is null when the message is malformed.
internal sealed record Delivery(string Kind, RedisValue EntryId, Guid? JobId, string? TraceParent, string? TraceState, int Deliveries)
{
    public static Delivery Parse(string kind, RedisValue entryId, int deliveries, RedisResult[] flatFields, int offset)
    {
        Guid? jobId = null;
        string? traceParent = null, traceState = null;
        for (var i = offset; i + 1 < flatFields.Length; i += 2)
        {
            var value = (string?)flatFields[i + 1];
            switch ((string?)flatFields[i])
            {
                case JobMessage.Id when Guid.TryParseExact(value, "N", out var id):
                    jobId = id;
                    break;
                case JobMessage.TraceParent:
                    traceParent = string.IsNullOrEmpty(value) ? null : value;
                    break;
                case JobMessage.TraceState:
                    traceState = string.IsNullOrEmpty(value) ? null : value;
                    break;
            }
        }
        return new Delivery(kind, entryId, jobId, traceParent, traceState, deliveries);
    }
}

internal sealed record Completion(Delivery Delivery, JobOutcome Outcome, bool Lost);

// A job this Worker is running.
internal sealed class RunningJob(Delivery delivery, Job job, CancellationToken stopping) : IDisposable
{
    private readonly CancellationTokenSource _cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);

    public Delivery Delivery { get; } = delivery;
    public Job Job { get; } = job;
    public CancellationToken Token => _cancellation.Token;
    public bool CancelRequested { get; private set; }
    // Another Worker took the message over (this one was presumed dead): stop, and leave its message alone.
    public bool Lost { get; private set; }
    public JobProgress? UnwrittenProgress { get; set; }

    public void Cancel() { CancelRequested = true; TryCancel(); }
    public void MarkLost() { Lost = true; TryCancel(); }

    private void TryCancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished in between.
        }
    }

    public void Dispose() => _cancellation.Dispose();
}

// Consumes the job streams of the kinds registered with AddHandler: up to Jobs:Concurrency jobs at once,
// fetched in batches by one Lua call, each batch claimed in PostgreSQL by one statement, finished in batches
// (one statement, then one Lua call for events and acknowledgements). A job holds its slot from fetch until
// its outcome is committed and acknowledged, so slots come back a batch at a time and the next fetch is as large.
internal sealed partial class JobWorker : BackgroundService
{
    private static readonly TimeSpan MinIdleWait = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxIdleWait = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer _redis;
    private readonly JobKeys _keys;
    private readonly JobStore _store;
    private readonly JobEventPublisher _events;
    private readonly IServiceScopeFactory _scopes;
    private readonly JobsOptions _options;
    private readonly ILogger<JobWorker> _logger;
    private readonly string[] _kinds;
    private readonly RedisKey[] _fetchKeys;
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<Guid, RunningJob> _running = new();
    private readonly BatchWriter<Completion, bool> _completions;

    public JobWorker(IConnectionMultiplexer redis, JobKeys keys, JobStore store, JobEventPublisher events, IServiceScopeFactory scopes,
        IOptions<JobsOptions> options, IOptions<JobHandlerRegistry> registry, ILogger<JobWorker> logger)
    {
        _redis = redis;
        _keys = keys;
        _store = store;
        _events = events;
        _scopes = scopes;
        _options = options.Value;
        _logger = logger;
        _kinds = registry.Value.Kinds.Order(StringComparer.Ordinal).ToArray();
        _fetchKeys = _kinds.SelectMany(kind => new[] { keys.Stream(kind), keys.Delayed(kind) }).ToArray();
        _slots = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
        _completions = new BatchWriter<Completion, bool>(CompleteAsync);
    }

    public string ConsumerName => _consumer;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_kinds.Length == 0)
        {
            LogNoHandlers();
            return;
        }
        var subscriber = _redis.GetSubscriber();
        await subscriber.SubscribeAsync(_keys.WakeChannel, (_, _) => Wake());
        await subscriber.SubscribeAsync(_keys.CancelChannel, (_, message) =>
        {
            if (Guid.TryParseExact(message.ToString(), "N", out var jobId) && _running.TryGetValue(jobId, out var running))
            {
                running.Cancel();
            }
        });
        LogStarted(_consumer, _kinds, _options.Concurrency);

        await Task.WhenAll(
            FetchLoopAsync(stoppingToken),
            EveryAsync(_options.VisibilityTimeout / 2, ReclaimAsync, stoppingToken),
            EveryAsync(_options.VisibilityTimeout / 3, RenewAsync, stoppingToken),
            EveryAsync(_options.ProgressWriteInterval, WriteProgressAsync, stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Handlers were cancelled with the stopping token; let them write their outcome (back to queued).
        for (var i = 0; i < _options.Concurrency; i++)
        {
            if (!await _slots.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken))
            {
                break;
            }
        }
        await WriteProgressAsync(CancellationToken.None);
        await _completions.DisposeAsync();
    }

    private async Task FetchLoopAsync(CancellationToken stoppingToken)
    {
        var idleWait = MinIdleWait;
        var rotation = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var taken = await TakeSlotsAsync(stoppingToken);
            IReadOnlyList<Delivery> deliveries;
            long nextDue;
            try
            {
                (deliveries, nextDue) = await FetchAsync(taken, rotation++);
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException && !stoppingToken.IsCancellationRequested)
            {
                _slots.Release(taken);
                LogRedisError(ex, "fetch");
                await Task.Delay(MaxIdleWait, stoppingToken);
                continue;
            }
            if (taken > deliveries.Count)
            {
                _slots.Release(taken - deliveries.Count);
            }
            if (deliveries.Count > 0)
            {
                _ = StartAsync(deliveries, stoppingToken);
            }
            if (deliveries.Count == taken)
            {
                idleWait = MinIdleWait;
                continue;
            }
            idleWait = deliveries.Count > 0 ? MinIdleWait : idleWait;
            var wait = idleWait;
            if (nextDue >= 0)
            {
                var untilDue = DateTimeOffset.FromUnixTimeMilliseconds(nextDue) - DateTimeOffset.UtcNow;
                wait = untilDue < wait ? (untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue) : wait;
            }
            await _wake.WaitAsync(wait, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            idleWait = TimeSpan.FromTicks(Math.Min(idleWait.Ticks * 2, MaxIdleWait.Ticks));
        }
    }

    // Waits for one free slot, then takes every other free one.
    private async Task<int> TakeSlotsAsync(CancellationToken stoppingToken)
    {
        await _slots.WaitAsync(stoppingToken);
        var taken = 1;
        while (_slots.Wait(0))
        {
            taken++;
        }
        return taken;
    }

    private async Task<(IReadOnlyList<Delivery>, long NextDue)> FetchAsync(int count, int rotation)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(JobScripts.Fetch, _fetchKeys,
            [JobKeys.ConsumerGroup, _consumer, count, now, rotation & int.MaxValue]))!;
        var nextDue = (long)result[0];
        var deliveries = new List<Delivery>(result.Length - 1);
        for (var i = 1; i < result.Length; i++)
        {
            var entry = (RedisResult[])result[i]!;
            deliveries.Add(Delivery.Parse(_kinds[(int)entry[0]], (RedisValue)entry[1], deliveries: 1, entry, offset: 2));
        }
        return (deliveries, nextDue);
    }

    private async Task ReclaimAsync(CancellationToken stoppingToken)
    {
        var free = 0;
        while (_slots.Wait(0))
        {
            free++;
        }
        try
        {
            var db = _redis.GetDatabase();
            foreach (var kind in _kinds)
            {
                if (free == 0)
                {
                    break;
                }
                var claimed = (RedisResult[])(await db.ScriptEvaluateAsync(JobScripts.Reclaim, [_keys.Stream(kind)],
                    [JobKeys.ConsumerGroup, _consumer, (long)_options.VisibilityTimeout.TotalMilliseconds, free]))!;
                var deliveries = new List<Delivery>(claimed.Length);
                foreach (var claimedEntry in claimed)
                {
                    var entry = (RedisResult[])claimedEntry!;
                    var delivery = Delivery.Parse(kind, (RedisValue)entry[0], (int)entry[1], entry, offset: 2);
                    LogReclaimed(delivery.JobId, kind, delivery.Deliveries);
                    deliveries.Add(delivery);
                }
                free -= deliveries.Count;
                if (deliveries.Count > 0)
                {
                    _ = StartAsync(deliveries, stoppingToken);
                }
            }
        }
        finally
        {
            if (free > 0)
            {
                _slots.Release(free);
            }
        }
    }

    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        var db = _redis.GetDatabase();
        foreach (var group in _running.Values.GroupBy(r => r.Delivery.Kind))
        {
            var args = new List<RedisValue> { JobKeys.ConsumerGroup, _consumer };
            args.AddRange(group.Select(r => r.Delivery.EntryId));
            var lost = (RedisValue[])(await db.ScriptEvaluateAsync(JobScripts.Renew, [_keys.Stream(group.Key)], args.ToArray()))!;
            foreach (var entryId in lost)
            {
                if (group.FirstOrDefault(r => r.Delivery.EntryId == entryId) is { } running)
                {
                    LogLost(running.Job.Id, running.Job.Kind);
                    running.MarkLost();
                }
            }
        }
    }

    // Claims a batch of deliveries with one statement and starts the jobs it got. Each delivery holds one slot.
    private async Task StartAsync(IReadOnlyList<Delivery> deliveries, CancellationToken stoppingToken)
    {
        var claimable = new List<Delivery>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            if (delivery.JobId is null || delivery.Deliveries > _options.MaxDeliveries)
            {
                _ = SetAsideAsync(delivery);
            }
            else
            {
                claimable.Add(delivery);
            }
        }
        if (claimable.Count == 0)
        {
            return;
        }
        IReadOnlyList<Job?> jobs;
        try
        {
            jobs = await _store.ClaimAsync(claimable.ConvertAll(d => new ClaimRequest(d.JobId!.Value, Reclaimed: d.Deliveries > 1)));
        }
        catch (Exception ex)
        {
            // The messages stay pending: after the visibility timeout a Worker takes them over.
            LogClaimError(ex, claimable.Count);
            _slots.Release(claimable.Count);
            return;
        }
        for (var i = 0; i < claimable.Count; i++)
        {
            _ = jobs[i] is { } job ? ExecuteAsync(claimable[i], job, stoppingToken) : SkipAsync(claimable[i], claimable[i].JobId!.Value);
        }
    }

    // A message without a valid job id, or delivered too often: it must not be run (again).
    private async Task SetAsideAsync(Delivery delivery)
    {
        try
        {
            if (delivery.JobId is { } jobId)
            {
                await FailPoisonAsync(delivery, jobId);
            }
            else
            {
                await DeadLetterAsync(delivery, "The message has no valid job id.");
            }
        }
        catch (Exception ex)
        {
            // The message stays pending: after the visibility timeout a Worker takes it over.
            LogRunError(ex, delivery.JobId, delivery.Kind);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task ExecuteAsync(Delivery delivery, Job job, CancellationToken stoppingToken)
    {
        var parent = JobTelemetry.ParentOf(delivery.TraceParent ?? job.TraceParent, delivery.TraceState ?? job.TraceState);
        using var activity = JobTelemetry.Source.StartActivity($"job {job.Kind}", ActivityKind.Consumer, parent);
        activity?.SetTag("job.id", job.Id).SetTag("job.kind", job.Kind).SetTag("job.attempt", job.Attempts);

        using var running = new RunningJob(delivery, job, stoppingToken);
        _running[job.Id] = running;
        JobOutcome outcome;
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredKeyedService<IJobHandler>(job.Kind);
            var context = new JobContext(job, progress => ReportProgressAsync(running, progress));
            var result = await handler.RunAsync(context, running.Token);
            outcome = Outcome(job, JobStatus.Succeeded, result is null ? null : JsonSerializer.Serialize(result, JobJson.Options));
        }
        catch (OperationCanceledException) when (running.CancelRequested)
        {
            outcome = Outcome(job, JobStatus.Failed, error: JobErrors.Cancelled, errorCode: JobErrors.CancelledCode);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || running.Lost)
        {
            // Shutting down: back to the queue at once for another Worker.
            outcome = Outcome(job, JobStatus.Queued);
        }
        catch (JobFailedException ex)
        {
            outcome = Outcome(job, JobStatus.Failed, error: ex.Message, errorCode: ex.ErrorCode ?? JobErrors.FailedCode);
        }
        catch (Exception ex) when (job.Attempts < job.MaxAttempts)
        {
            var delay = _options.RetryBaseDelay * Math.Pow(2, Math.Min(job.Attempts - 1, 16));
            LogRetry(ex, job.Id, job.Kind, job.Attempts, delay);
            outcome = Outcome(job, JobStatus.Queued, error: ex.Message, errorCode: JobErrors.FailedCode, retryDelay: delay);
        }
        catch (Exception ex)
        {
            LogFailed(ex, job.Id, job.Kind, job.Attempts);
            outcome = Outcome(job, JobStatus.Failed, error: $"Failed after {job.Attempts} attempts: {ex.Message}", errorCode: JobErrors.FailedCode);
        }
        finally
        {
            _running.TryRemove(job.Id, out _);
        }
        if (outcome.Status == JobStatus.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Error);
        }
        // Not awaited: CompleteAsync releases the slot once the outcome is committed (or could not be).
        _ = _completions.WriteAsync(new Completion(delivery, outcome, running.Lost));
    }

    private static JobOutcome Outcome(Job job, string status, string? result = null, string? error = null, string? errorCode = null, TimeSpan retryDelay = default) =>
        new(job.Id, job.Attempts, status, result, error, errorCode, retryDelay);

    // One batch of finished jobs: one UPDATE (one commit), then one Redis call for all their terminal events
    // and acknowledgements, with any retries scheduled alongside.
    // Then the batch's slots are free again. On failure the messages stay pending, and after the visibility
    // timeout a Worker takes them over and runs the jobs again (their rows are still running).
    private async Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions)
    {
        try
        {
            return await FinishAsync(completions);
        }
        catch (Exception ex)
        {
            LogFinishError(ex, completions.Count);
            return completions.Select(_ => false).ToList();
        }
        finally
        {
            _slots.Release(completions.Count);
        }
    }

    private async Task<IReadOnlyList<bool>> FinishAsync(IReadOnlyList<Completion> completions)
    {
        var written = await _store.FinishAsync(completions.Select(c => c.Outcome).ToList());
        var db = _redis.GetDatabase();
        var work = new List<Task>();
        var terminal = new List<Job>();
        foreach (var job in written.OfType<Job>())
        {
            if (job.Status == JobStatus.Queued)
            {
                work.Add(ScheduleAsync(db, job));
            }
            else
            {
                terminal.Add(job);
            }
        }
        var keys = terminal.Select(job => _keys.Events(job.Id)).ToList();
        var args = new List<RedisValue>(6 + 4 * terminal.Count + completions.Count + 2)
        {
            _events.MaxLength, _events.RetentionSeconds, _keys.JobEventsChannel.ToString(), _keys.UserEventsChannel.ToString(),
            JobKeys.ConsumerGroup, terminal.Count,
        };
        foreach (var job in terminal)
        {
            args.AddRange([job.Id.ToString("N"), JobEventPublisher.TerminalType(job), JobEventPublisher.TerminalData(job), job.UserId?.ToString("N") ?? ""]);
        }
        foreach (var group in completions.Where(c => !c.Lost).GroupBy(c => c.Delivery.Kind))
        {
            keys.Add(_keys.Stream(group.Key));
            args.Add(group.Count());
            args.AddRange(group.Select(c => c.Delivery.EntryId));
        }
        if (keys.Count > 0)
        {
            work.Add(db.ScriptEvaluateAsync(JobScripts.Finish, keys.ToArray(), args.ToArray()));
        }
        await Task.WhenAll(work);
        return written.Select(job => job is not null).ToList();
    }

    private Task ScheduleAsync(IDatabase db, Job job) =>
        db.ScriptEvaluateAsync(JobScripts.Schedule, [_keys.Delayed(job.Kind)],
        [
            _keys.WakeChannel.ToString(), job.Kind, new DateTimeOffset(job.ScheduledFor, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            JobMessage.DelayedMember(job.Id, job.TraceParent, job.TraceState),
        ]);

    // The claim found nothing to run: the job ended, was cancelled, is run by another Worker, or was not due yet.
    // A job still queued goes back to its delayed set whatever the clock says now: a message that was early by
    // less than a millisecond (scores are whole milliseconds) may already be due when this runs, and dropping
    // it would leave the job queued with no message.
    private async Task SkipAsync(Delivery delivery, Guid jobId)
    {
        try
        {
            var db = _redis.GetDatabase();
            if (await _store.GetAsync(jobId, CancellationToken.None) is { Status: JobStatus.Queued } job)
            {
                await ScheduleAsync(db, job);
            }
            await AckAsync(db, delivery);
        }
        catch (Exception ex)
        {
            // The message stays pending: after the visibility timeout a Worker takes it over.
            LogRunError(ex, jobId, delivery.Kind);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task FailPoisonAsync(Delivery delivery, Guid jobId)
    {
        var error = $"The job's message was delivered {delivery.Deliveries} times without completing (the limit is {_options.MaxDeliveries}); it was moved to the dead-letter stream.";
        LogPoison(jobId, delivery.Kind, delivery.Deliveries);
        if (await _store.FailUnfinishedAsync(jobId, error, JobErrors.PoisonCode, CancellationToken.None) is { } job)
        {
            await _events.PublishTerminalAsync(job);
        }
        await DeadLetterAsync(delivery, error);
    }

    private async Task DeadLetterAsync(Delivery delivery, string reason) =>
        await _redis.GetDatabase().ScriptEvaluateAsync(JobScripts.DeadLetter, [_keys.Stream(delivery.Kind), _keys.DeadLetter],
        [
            JobKeys.ConsumerGroup, delivery.EntryId,
            "kind", delivery.Kind, "entry", delivery.EntryId, JobMessage.Id, delivery.JobId?.ToString("N") ?? "",
            JobMessage.TraceParent, delivery.TraceParent ?? "", "deliveries", delivery.Deliveries, "reason", reason,
            "at", DateTimeOffset.UtcNow.ToString("O"),
        ]);

    private async Task AckAsync(IDatabase db, Delivery delivery)
    {
        var stream = _keys.Stream(delivery.Kind);
        await Task.WhenAll(
            db.StreamAcknowledgeAsync(stream, JobKeys.ConsumerGroup, delivery.EntryId),
            db.StreamDeleteAsync(stream, [delivery.EntryId]));
    }

    private async ValueTask ReportProgressAsync(RunningJob running, JobProgress progress)
    {
        running.UnwrittenProgress = progress;
        try
        {
            await _events.PublishProgressAsync(running.Job, progress);
        }
        catch (RedisException ex)
        {
            LogRedisError(ex, "progress event");
        }
    }

    // Throttled progress: the latest report of each running job, all in one statement per interval.
    private async Task WriteProgressAsync(CancellationToken stoppingToken)
    {
        var writes = new List<ProgressWrite>();
        foreach (var running in _running.Values)
        {
            if (running.UnwrittenProgress is { } progress)
            {
                running.UnwrittenProgress = null;
                writes.Add(new ProgressWrite(running.Job.Id, running.Job.Attempts, progress));
            }
        }
        if (writes.Count > 0)
        {
            await _store.WriteProgressAsync(writes);
        }
    }

    private async Task EveryAsync(TimeSpan interval, Func<CancellationToken, Task> action, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
        {
            try
            {
                await action(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRedisError(ex, action.Method.Name);
            }
        }
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    [LoggerMessage(LogLevel.Warning, "The job worker has no handlers registered; it consumes nothing")]
    private partial void LogNoHandlers();

    [LoggerMessage(LogLevel.Information, "Job worker {Consumer} consuming {Kinds} with concurrency {Concurrency}")]
    private partial void LogStarted(string consumer, string[] kinds, int concurrency);

    [LoggerMessage(LogLevel.Warning, "Job worker {Operation} failed")]
    private partial void LogRedisError(Exception ex, string operation);

    [LoggerMessage(LogLevel.Error, "Job {JobId} ({Kind}) could not be run; its message stays pending")]
    private partial void LogRunError(Exception ex, Guid? jobId, string kind);

    [LoggerMessage(LogLevel.Error, "Claiming {Count} jobs failed; their messages stay pending")]
    private partial void LogClaimError(Exception ex, int count);

    [LoggerMessage(LogLevel.Error, "Writing the outcome of {Count} jobs failed; their messages stay pending")]
    private partial void LogFinishError(Exception ex, int count);

    [LoggerMessage(LogLevel.Information, "Took over job {JobId} ({Kind}) from a silent worker, delivery {Deliveries}")]
    private partial void LogReclaimed(Guid? jobId, string kind, int deliveries);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} ({Kind}) was taken over by another worker; stopping it here")]
    private partial void LogLost(Guid jobId, string kind);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} ({Kind}) attempt {Attempt} failed; retrying in {Delay}")]
    private partial void LogRetry(Exception ex, Guid jobId, string kind, int attempt, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} ({Kind}) failed after {Attempts} attempts")]
    private partial void LogFailed(Exception ex, Guid jobId, string kind, int attempts);

    [LoggerMessage(LogLevel.Error, "Job {JobId} ({Kind}) was delivered {Deliveries} times; failing it and dead-lettering its message")]
    private partial void LogPoison(Guid jobId, string kind, int deliveries);
}
