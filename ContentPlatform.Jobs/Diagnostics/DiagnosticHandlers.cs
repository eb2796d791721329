using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Jobs.Diagnostics;

// Job kinds for tests and the benchmark, registered in the Worker when Jobs:DiagnosticKinds is true.
public static class DiagnosticHandlers
{
    public const string Noop = "diagnostics.noop";
    public const string Sleep = "diagnostics.sleep";

    public static JobWorkerBuilder AddDiagnosticHandlers(this JobWorkerBuilder worker) =>
        worker.AddHandler<NoopHandler>(Noop).AddHandler<SleepHandler>(Sleep);
}

// Does nothing: the engine's own cost per job.
internal sealed class NoopHandler : IJobHandler
{
    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken) => Task.FromResult<object?>(null);
}

public sealed record SleepPayload(int Milliseconds, int Steps = 1);

public sealed record SleepResult(int ProcessId, int Attempt);

// Sleeps in steps, reporting progress after each; says which process finished it.
internal sealed class SleepHandler : IJobHandler
{
    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = context.Payload<SleepPayload>();
        var steps = Math.Max(1, payload.Steps);
        for (var step = 1; step <= steps; step++)
        {
            await Task.Delay(payload.Milliseconds / steps, cancellationToken);
            await context.ReportProgressAsync(new JobProgress(step * 100 / steps, $"step {step} of {steps}"));
        }
        return new SleepResult(Environment.ProcessId, context.Attempt);
    }
}
