using ContentPlatform.Data;
using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Generation.Offline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Generation.Content;

// Generates one of the three content types through whichever IChatClient is configured.
// Failures surface as GenerationException with a readable message.
public sealed class ContentGenerator(IChatClient chatClient, ILogger<ContentGenerator> logger)
{
    private static readonly ChatOptions Options = new() { Temperature = 0.7f, MaxOutputTokens = 2_000 };

    public async Task<GeneratedContent> GenerateAsync(string contentType, string prompt, CancellationToken cancellationToken = default)
    {
        var messages = ContentPrompts.Build(contentType, prompt);
        var response = await chatClient.GetResponseAsync(messages, Options.Clone(), cancellationToken);

        var markdown = Unfence(response.Text.Trim());
        if (markdown.Length == 0)
        {
            throw new GenerationException(GenerationException.EmptyAnswer);
        }
        if (markdown.Length > Limits.Body)
        {
            markdown = markdown[..Limits.Body];
        }

        var model = response.ModelId ?? "unknown";
        var offline = model == OfflineChatClient.ModelName;
        logger.LogInformation("Generated a {ContentType} of {Length} characters with {Model}", contentType, markdown.Length, model);
        return new GeneratedContent(markdown, offline, model);
    }

    // Models sometimes wrap the whole answer in a ```markdown fence; the library stores plain Markdown.
    private static string Unfence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal) || !text.EndsWith("```", StringComparison.Ordinal) || text.Length < 6)
        {
            return text;
        }
        var firstLineEnd = text.IndexOf('\n');
        return firstLineEnd < 0 ? text : text[(firstLineEnd + 1)..^3].Trim();
    }
}
