using System.Collections.Concurrent;
using ContentPlatform.Jobs;

namespace ContentPlatform.Tests.Jobs;

public sealed record TestPayload(string Tag, int Milliseconds = 0, int FailTimes = 0, bool ReportsProgress = false);

// What CountingHandler saw, owned by one test and shared by the hosts it starts (registered as a singleton).
internal sealed class RunCounts
{
    public ConcurrentDictionary<Guid, int> Runs { get; } = new();
    public ConcurrentDictionary<Guid, int> Active { get; } = new();
    private int _overlaps;

    public int Overlaps => Volatile.Read(ref _overlaps);

    public void NoteOverlap() => Interlocked.Increment(ref _overlaps);
}

// Counts runs per job and notices when one job runs twice at the same moment.
internal sealed class CountingHandler(RunCounts counts) : IJobHandler
{
    public const string Kind = "test.counting";

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        counts.Runs.AddOrUpdate(context.Job.Id, 1, (_, n) => n + 1);
        if (counts.Active.AddOrUpdate(context.Job.Id, 1, (_, n) => n + 1) > 1)
        {
            counts.NoteOverlap();
        }
        try
        {
            if (context.Payload<TestPayload>().ReportsProgress)
            {
                await context.ReportProgressAsync(new JobProgress(10, "counting"));
            }
            await Task.Delay(context.Payload<TestPayload>().Milliseconds, cancellationToken);
        }
        finally
        {
            counts.Active.AddOrUpdate(context.Job.Id, 0, (_, n) => n - 1);
        }
        return new { context.Payload<TestPayload>().Tag, context.Attempt };
    }
}

// Throws a transient error for the first FailTimes attempts.
internal sealed class FlakyHandler : IJobHandler
{
    public const string Kind = "test.flaky";

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = context.Payload<TestPayload>();
        if (context.Attempt <= payload.FailTimes)
        {
            throw new InvalidOperationException($"transient trouble on attempt {context.Attempt}");
        }
        return Task.FromResult<object?>(new { attempt = context.Attempt });
    }
}

internal sealed class PermanentFailureHandler : IJobHandler
{
    public const string Kind = "test.permanent";

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken) =>
        throw new JobFailedException("The website could not be analysed.", "analysis_failed");
}

// When BlockingHandler's jobs started and saw their token fire, owned by one test (registered as a singleton).
internal sealed class BlockingSignals
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _started = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _cancelled = new();

    public TaskCompletionSource StartedFor(Guid id) => _started.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    public TaskCompletionSource CancelledFor(Guid id) => _cancelled.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
}

// Runs until cancelled, telling the test when it started and whether its token fired.
internal sealed class BlockingHandler(BlockingSignals signals) : IJobHandler
{
    public const string Kind = "test.blocking";

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(new JobProgress(10, "waiting"));
        signals.StartedFor(context.Job.Id).TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            signals.CancelledFor(context.Job.Id).TrySetResult();
            throw;
        }
        return null;
    }
}
