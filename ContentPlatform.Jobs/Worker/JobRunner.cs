using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ContentPlatform.Data.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// Runs a claimed job's handler and decides its outcome: succeeded; failed (permanently, cancelled, or out of
// attempts); or queued again — after a back-off for a transient error, at once when the Worker stops or another
// Worker took the job over.
internal sealed partial class JobRunner(IServiceScopeFactory scopes, JobsOptions options, JobProgressWriter progress, ILogger<JobRunner> logger)
{
    private readonly ConcurrentDictionary<Guid, RunningJob> _running = new();

    public async Task<Completion> RunAsync(Delivery delivery, Job job, CancellationToken stoppingToken)
    {
        var parent = JobTelemetry.ParentOf(delivery.TraceParent ?? job.TraceParent, delivery.TraceState ?? job.TraceState);
        using var activity = JobTelemetry.Source.StartActivity($"job {job.Kind}", ActivityKind.Consumer, parent);
        activity?.SetTag("job.id", job.Id).SetTag("job.kind", job.Kind).SetTag("job.attempt", job.Attempts);

        using var running = new RunningJob(delivery, job, stoppingToken);
        _running[job.Id] = running;
        JobOutcome outcome;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredKeyedService<IJobHandler>(job.Kind);
            var result = await handler.RunAsync(new JobContext(job, report => progress.ReportAsync(job, report)), running.Token);
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
            var delay = options.RetryBaseDelay * Math.Pow(2, Math.Min(job.Attempts - 1, 16));
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
        return new Completion(delivery, outcome, running.Lost);
    }

    // The job was cancelled through the API: its handler's token fires.
    public void Cancel(Guid jobId)
    {
        if (_running.TryGetValue(jobId, out var running))
        {
            running.Cancel();
        }
    }

    // Another Worker took the message over (this one was presumed dead): stop, and leave its message alone.
    public void MarkLost(string kind, RedisValue entryId)
    {
        if (_running.Values.FirstOrDefault(r => r.Delivery.Kind == kind && r.Delivery.EntryId == entryId) is { } running)
        {
            LogLost(running.Job.Id, running.Job.Kind);
            running.MarkLost();
        }
    }

    private static JobOutcome Outcome(Job job, string status, string? result = null, string? error = null, string? errorCode = null, TimeSpan retryDelay = default) =>
        new(job.Id, job.Attempts, status, result, error, errorCode, retryDelay);

    private sealed class RunningJob(Delivery delivery, Job job, CancellationToken stopping) : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);

        public Delivery Delivery { get; } = delivery;
        public Job Job { get; } = job;
        public CancellationToken Token => _cancellation.Token;
        public bool CancelRequested { get; private set; }
        public bool Lost { get; private set; }

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

    [LoggerMessage(LogLevel.Warning, "Job {JobId} ({Kind}) was taken over by another worker; stopping it here")]
    private partial void LogLost(Guid jobId, string kind);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} ({Kind}) attempt {Attempt} failed; retrying in {Delay}")]
    private partial void LogRetry(Exception ex, Guid jobId, string kind, int attempt, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} ({Kind}) failed after {Attempts} attempts")]
    private partial void LogFailed(Exception ex, Guid jobId, string kind, int attempts);
}
