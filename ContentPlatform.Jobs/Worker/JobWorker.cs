using ContentPlatform.Data.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// The kinds registered with AddHandler: the streams the Worker consumes.
internal sealed class JobHandlerRegistry
{
    public HashSet<string> Kinds { get; } = new(StringComparer.Ordinal);
}

// Consumes the job streams of the kinds registered with AddHandler, up to Jobs:Concurrency messages at once
// (DeliverySlots): fetched in batches by one Lua call (WorkerStreams), each batch claimed in PostgreSQL by one
// statement, run (JobRunner), and finished in batches (JobCompletions). Alongside: taking over the messages of
// dead Workers, renewing the hold on its own, and writing progress (JobProgressWriter). While PostgreSQL is away
// (DatabaseGate) it fetches nothing and holds what it has.
internal sealed partial class JobWorker : BackgroundService
{
    private static readonly TimeSpan MinIdleWait = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxIdleWait = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer _redis;
    private readonly JobKeys _keys;
    private readonly JobStore _store;
    private readonly JobEventPublisher _events;
    private readonly JobsOptions _options;
    private readonly ILogger<JobWorker> _logger;
    private readonly string[] _kinds;
    private readonly DeliverySlots _slots;
    private readonly WorkerStreams _streams;
    private readonly DatabaseGate _database;
    private readonly JobProgressWriter _progress;
    private readonly JobRunner _runner;
    private readonly JobCompletions _completions;
    private readonly SemaphoreSlim _wake = new(0, 1);

    private TimeSpan RenewInterval => _options.VisibilityTimeout / 3;

    public JobWorker(IConnectionMultiplexer redis, JobKeys keys, JobStore store, JobEventPublisher events, NpgsqlDataSource dataSource,
        IServiceScopeFactory scopes, IOptions<JobsOptions> options, IOptions<JobHandlerRegistry> registry, ILoggerFactory loggers)
    {
        _redis = redis;
        _keys = keys;
        _store = store;
        _events = events;
        _options = options.Value;
        _logger = loggers.CreateLogger<JobWorker>();
        _kinds = registry.Value.Kinds.Order(StringComparer.Ordinal).ToArray();
        _slots = new DeliverySlots(_options.Concurrency);
        _streams = new WorkerStreams(redis, keys, events, _kinds);
        _database = new DatabaseGate(dataSource, loggers.CreateLogger<DatabaseGate>());
        _progress = new JobProgressWriter(store, events, loggers.CreateLogger<JobProgressWriter>());
        _runner = new JobRunner(scopes, _options, _progress, loggers.CreateLogger<JobRunner>());
        _completions = new JobCompletions(store, _streams, _slots, _database, loggers.CreateLogger<JobCompletions>());
    }

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
            if (Guid.TryParseExact(message.ToString(), "N", out var jobId))
            {
                _runner.Cancel(jobId);
            }
        });
        LogStarted(_streams.Consumer, _kinds, _options.Concurrency);

        await Task.WhenAll(
            FetchLoopAsync(stoppingToken),
            EveryAsync(_options.VisibilityTimeout / 2, ReclaimAsync, stoppingToken),
            EveryAsync(RenewInterval, RenewAsync, stoppingToken),
            EveryAsync(_options.ProgressWriteInterval, _progress.WriteAsync, stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Handlers were cancelled with the stopping token; let them write their outcome (back to queued).
        await _slots.DrainAsync(TimeSpan.FromSeconds(10));
        if (_database.IsOpen)
        {
            await _progress.WriteAsync(CancellationToken.None);
        }
        await _completions.DisposeAsync();
        _database.Dispose();
    }

    private async Task FetchLoopAsync(CancellationToken stoppingToken)
    {
        var idleWait = MinIdleWait;
        var rotation = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // While PostgreSQL is away no job could be claimed: leave the messages to Workers that can.
            await _database.WaitOpenAsync(stoppingToken);
            var taken = await _slots.TakeAsync(stoppingToken);
            IReadOnlyList<Delivery> deliveries;
            long nextDue;
            try
            {
                (deliveries, nextDue) = await _streams.FetchAsync(taken, rotation++);
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException && !stoppingToken.IsCancellationRequested)
            {
                _slots.Return(taken);
                LogRedisError(ex, "fetch");
                await Task.Delay(MaxIdleWait, stoppingToken);
                continue;
            }
            _slots.Return(taken - deliveries.Count);
            Start(deliveries, stoppingToken);
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

    // Takes over, into the slots free at the moment, messages whose Worker went silent.
    private async Task ReclaimAsync(CancellationToken stoppingToken)
    {
        if (!_database.IsOpen)
        {
            return;
        }
        var free = _slots.TakeFree();
        try
        {
            foreach (var kind in _kinds)
            {
                if (free == 0)
                {
                    break;
                }
                var deliveries = await _streams.ReclaimAsync(kind, _options.VisibilityTimeout, free);
                foreach (var delivery in deliveries)
                {
                    LogReclaimed(delivery.JobId, kind, delivery.Deliveries);
                }
                free -= deliveries.Count;
                Start(deliveries, stoppingToken);
            }
        }
        finally
        {
            _slots.Return(free);
        }
    }

    // Renews the hold on the messages this Worker has held since the last renewal or longer, whatever they wait
    // for; a running job whose message another Worker took is stopped.
    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        foreach (var group in _slots.HeldLongerThan(RenewInterval).GroupBy(d => d.Kind))
        {
            foreach (var entryId in await _streams.RenewAsync(group.Key, group.Select(d => d.EntryId)))
            {
                _runner.MarkLost(group.Key, entryId);
            }
        }
    }

    // Each delivery came in a slot of its own; from here every path ends by releasing it once.
    private void Start(IReadOnlyList<Delivery> deliveries, CancellationToken stoppingToken)
    {
        var claimable = new List<Delivery>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            if (!_slots.Hold(delivery))
            {
                continue;
            }
            if (delivery.JobId is null || delivery.Deliveries > _options.MaxDeliveries)
            {
                _ = SetAsideAsync(delivery, stoppingToken);
            }
            else
            {
                claimable.Add(delivery);
            }
        }
        if (claimable.Count > 0)
        {
            _ = ClaimAsync(claimable, stoppingToken);
        }
    }

    // One statement claims the whole batch; each delivery then runs its job or is skipped.
    private async Task ClaimAsync(List<Delivery> claimable, CancellationToken stoppingToken)
    {
        IReadOnlyList<Job?> jobs;
        try
        {
            // A claim retried after the database was away may have been committed the first time: then its row is
            // running at this Worker's hand already, and claiming it as taken over restarts it rather than
            // dropping its message (it costs that job one attempt).
            jobs = await _database.RunAsync(retried => _store.ClaimAsync(
                claimable.ConvertAll(d => new ClaimRequest(d.JobId!.Value, Reclaimed: retried || d.Deliveries > 1))), stoppingToken);
        }
        catch (Exception ex)
        {
            // The messages stay pending: after the visibility timeout a Worker takes them over.
            LogClaimError(ex, claimable.Count);
            claimable.ForEach(_slots.Release);
            return;
        }
        for (var i = 0; i < claimable.Count; i++)
        {
            _ = jobs[i] is { } job ? RunAsync(claimable[i], job, stoppingToken) : SkipAsync(claimable[i], stoppingToken);
        }
    }

    private async Task RunAsync(Delivery delivery, Job job, CancellationToken stoppingToken) =>
        _completions.Add(await _runner.RunAsync(delivery, job, stoppingToken));

    // The claim found nothing to run: the job ended, was cancelled, is run by another Worker, was not due yet, or
    // has no row at all (its enqueue gave up on a publish that landed later). A job still queued goes back to its
    // delayed set whatever the clock says now: a message that was early by less than a millisecond (scores are
    // whole milliseconds) may already be due when this runs, and dropping it would leave the job queued with no
    // message. Anything else is dropped.
    private async Task SkipAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            var job = await _database.RunAsync(_ => _store.GetAsync(delivery.JobId!.Value, CancellationToken.None), stoppingToken);
            if (job is { Status: JobStatus.Queued })
            {
                await _streams.ScheduleAsync(job);
            }
            await _streams.AckAsync(delivery);
        }
        catch (Exception ex)
        {
            // The message stays pending: after the visibility timeout a Worker takes it over.
            LogRunError(ex, delivery.JobId, delivery.Kind);
        }
        finally
        {
            _slots.Release(delivery);
        }
    }

    // A message without a valid job id, or delivered too often: it must not be run (again).
    private async Task SetAsideAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            if (delivery.JobId is { } jobId)
            {
                var error = $"The job's message was delivered {delivery.Deliveries} times without completing (the limit is {_options.MaxDeliveries}); it was moved to the dead-letter stream.";
                LogPoison(jobId, delivery.Kind, delivery.Deliveries);
                if (await _database.RunAsync(_ => _store.FailUnfinishedAsync(jobId, error, JobErrors.PoisonCode, CancellationToken.None), stoppingToken) is { } job)
                {
                    await _events.PublishTerminalAsync(job);
                }
                await _streams.DeadLetterAsync(delivery, error);
            }
            else
            {
                await _streams.DeadLetterAsync(delivery, "The message has no valid job id.");
            }
        }
        catch (Exception ex)
        {
            // The message stays pending: after the visibility timeout a Worker takes it over.
            LogRunError(ex, delivery.JobId, delivery.Kind);
        }
        finally
        {
            _slots.Release(delivery);
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

    [LoggerMessage(LogLevel.Information, "Took over job {JobId} ({Kind}) from a silent worker, delivery {Deliveries}")]
    private partial void LogReclaimed(Guid? jobId, string kind, int deliveries);

    [LoggerMessage(LogLevel.Error, "Job {JobId} ({Kind}) was delivered {Deliveries} times; failing it and dead-lettering its message")]
    private partial void LogPoison(Guid jobId, string kind, int deliveries);
}
