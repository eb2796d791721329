using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Jobs;

namespace ContentPlatform.Generation.Content;

public sealed record GenerateContentPayload(string Prompt, string ContentType);

public sealed record GenerateContentResult(string GeneratedContent, bool GeneratedOffline, string Model);

// The Smart Content Generator's job (documents 002 and 003): one piece of content of one of the three types.
public sealed class GenerateContentJobHandler(ContentGenerator generator) : IJobHandler
{
    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = context.Payload<GenerateContentPayload>();
        await context.ReportProgressAsync(new JobProgress(10, "Generating content..."));
        try
        {
            var content = await generator.GenerateAsync(payload.ContentType, payload.Prompt, cancellationToken);
            return new GenerateContentResult(content.Markdown, content.GeneratedOffline, content.Model);
        }
        catch (GenerationFailedException ex)
        {
            // Already retried by the HTTP resilience handler: the readable message is the job's error.
            throw new JobFailedException(ex.Message, ex.ErrorCode);
        }
        catch (ArgumentException ex)
        {
            throw new JobFailedException(ex.Message, "invalid_payload");
        }
    }
}
