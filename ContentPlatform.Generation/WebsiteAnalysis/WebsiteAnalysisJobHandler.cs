using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Jobs;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// What the Api enqueues for a website-analysis job.
public sealed record WebsiteAnalysisJobPayload(string Url);

// Runs the website-analysis pipeline for the job's owner; its result is the job's result.
public sealed class WebsiteAnalysisJobHandler(WebsiteAnalyzer analyzer) : IJobHandler
{
    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = context.Payload<WebsiteAnalysisJobPayload>();
        var job = context.Job;
        var owner = job.UserId is { } userId ? ContentOwner.User(userId) : ContentOwner.Session(job.SessionId!);
        try
        {
            return await analyzer.RunAsync(payload.Url, owner,
                (progress, _) => context.ReportProgressAsync(
                    new JobProgress(progress.Progress, progress.CurrentStep, EstimatedTimeRemaining: progress.EstimatedTimeRemaining)).AsTask(),
                cancellationToken);
        }
        catch (GenerationFailedException ex)
        {
            throw ex.ToJobFailure(cancellationToken);
        }
    }
}
