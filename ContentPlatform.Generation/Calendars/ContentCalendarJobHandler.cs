using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Jobs;

namespace ContentPlatform.Generation.Calendars;

// What the Api enqueues for a content-calendar job; the Api checked that the job's owner owns the audience.
public sealed record ContentCalendarJobPayload(Guid AudienceId);

// Generates the audience's 30-day calendar, forwarding every phase of every strategy as a progress event.
public sealed class ContentCalendarJobHandler(ContentCalendarGenerator generator) : IJobHandler
{
    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = context.Payload<ContentCalendarJobPayload>();
        try
        {
            return await generator.GenerateAsync(payload.AudienceId,
                (progress, _) => context.ReportProgressAsync(new JobProgress(
                    progress.Progress,
                    progress.CurrentStep,
                    progress.Phase,
                    progress.EstimatedTimeRemaining,
                    progress.StrategyIndex,
                    progress.StrategyTotal,
                    progress.StrategyId)).AsTask(),
                cancellationToken);
        }
        catch (GenerationFailedException ex)
        {
            throw ex.ToJobFailure(cancellationToken);
        }
    }
}
