using System.Collections.Concurrent;
using ContentPlatform.Jobs;

namespace ContentPlatform.Tests.Jobs;

public sealed record TestPayload(string Tag, int Milliseconds = 0, int FailTimes = 0);

// Counts runs per job and notices when one job runs twice at the same moment.
internal sealed class CountingHandler : IJobHandler
{
    public const string Kind = "test.counting";
    public static readonly ConcurrentDictionary<Guid, int> Runs = new();
    public static readonly ConcurrentDictionary<Guid, int> Active = new();
    public static int Overlaps;

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        Runs.AddOrUpdate(context.Job.Id, 1, (_, n) => n + 1);
        if (Active.AddOrUpdate(context.Job.Id, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref Overlaps);
        }
        try
        {
            await Task.Delay(context.Payload<TestPayload>().Milliseconds, cancellationToken);
        }
        finally
        {
            Active.AddOrUpdate(context.Job.Id, 0, (_, n) => n - 1);
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
    public static int Runs;

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Runs);
        throw new JobFailedException("The website could not be analysed.", "analysis_failed");
    }
}

// Runs until cancelled, telling the test when it started and whether its token fired.
internal sealed class BlockingHandler : IJobHandler
{
    public const string Kind = "test.blocking";
    public static readonly ConcurrentDictionary<Guid, TaskCompletionSource> Started = new();
    public static readonly ConcurrentDictionary<Guid, TaskCompletionSource> Cancelled = new();

    public static TaskCompletionSource StartedFor(Guid id) => Started.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    public static TaskCompletionSource CancelledFor(Guid id) => Cancelled.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(new JobProgress(10, "waiting"));
        StartedFor(context.Job.Id).TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            CancelledFor(context.Job.Id).TrySetResult();
            throw;
        }
        return null;
    }
}
