using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// At start and every Jobs:ReconcileInterval: when Redis no longer holds the sentinel key (it restarted
// empty, or was flushed), every job still queued in PostgreSQL is published again — ready ones to their
// stream, delayed ones to their delayed set at their time. When Redis restarted with its data, what it acknowledged
// just before it stopped may still be missing (an append-only file is written to disk once a second), so the jobs
// queued or requeued since the reconciler last looked are published again. Whoever sets the sentinel back does the
// work. A job published twice runs once: the second message finds its row no longer queued.
internal sealed partial class JobReconciler(
    IConnectionMultiplexer redis, JobKeys keys, JobStore store, IOptions<JobsOptions> options, ILogger<JobReconciler> logger)
    : BackgroundService
{
    private const int Page = 1000;

    // Before the last look: the writes Redis may have lost before it stopped, and the servers' clocks' differences.
    private static readonly TimeSpan RestartMargin = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval);
        do
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var seen = (long)await db.ScriptEvaluateAsync(JobScripts.Sentinel, [keys.Sentinel], [DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]);
        if (seen == 0)
        {
            return 0;
        }
        DateTime? since = seen > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(seen).UtcDateTime - RestartMargin : null;
        var published = 0;
        await foreach (var jobs in store.ListQueuedAsync(since, cancellationToken).Chunk(Page))
        {
            var now = DateTime.UtcNow;
            await Task.WhenAll(jobs.Select<Data.Entities.Job, Task>(job => job.ScheduledFor > now
                ? db.SortedSetAddAsync(keys.Delayed(job.Kind), JobMessage.DelayedMember(job.Id, job.TraceParent, job.TraceState),
                    new DateTimeOffset(job.ScheduledFor, TimeSpan.Zero).ToUnixTimeMilliseconds())
                : db.StreamAddAsync(keys.Stream(job.Kind), JobMessage.Fields(job.Id, job.TraceParent, job.TraceState))));
            published += jobs.Length;
        }
        await db.PublishAsync(keys.WakeChannel, "*");
        if (since is { } restartedSince)
        {
            LogRestarted(published, restartedSince);
        }
        else if (published > 0)
        {
            LogRepublished(published);
        }
        return published;
    }

    [LoggerMessage(LogLevel.Warning, "Redis had lost the job queue's data: published {Count} queued jobs again")]
    private partial void LogRepublished(int count);

    [LoggerMessage(LogLevel.Warning, "Redis restarted: published the {Count} jobs queued since {Since:O} again, in case it lost their messages")]
    private partial void LogRestarted(int count, DateTime since);

    [LoggerMessage(LogLevel.Warning, "Job reconciliation failed; trying again at the next interval")]
    private partial void LogFailed(Exception ex);
}
