using System.Collections.Concurrent;
using ContentPlatform.Data.Entities;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// A running job's progress: each report is an event at once; the row gets each job's latest report, all jobs in
// one statement every Jobs:ProgressWriteInterval (guarded by status and attempt, so a late write cannot touch a
// job that ended or started again).
internal sealed partial class JobProgressWriter(JobStore store, JobEventPublisher events, ILogger<JobProgressWriter> logger)
{
    private readonly ConcurrentDictionary<Guid, ProgressWrite> _unwritten = new();

    public async ValueTask ReportAsync(Job job, JobProgress progress)
    {
        _unwritten[job.Id] = new ProgressWrite(job.Id, job.Attempts, progress);
        try
        {
            await events.PublishProgressAsync(job, progress);
        }
        // A progress event is worth no failed job: with Redis away (a stalled server answers with a timeout, not a
        // RedisException) the job runs on, and its readers see its progress in the row.
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogEventFailed(ex, job.Id);
        }
    }

    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        var writes = new List<ProgressWrite>();
        foreach (var jobId in _unwritten.Keys)
        {
            if (_unwritten.TryRemove(jobId, out var write))
            {
                writes.Add(write);
            }
        }
        if (writes.Count > 0)
        {
            await store.WriteProgressAsync(writes);
        }
    }

    [LoggerMessage(LogLevel.Warning, "The progress event of job {JobId} could not be published")]
    private partial void LogEventFailed(Exception ex, Guid jobId);
}
