using System.Runtime.CompilerServices;
using ContentPlatform.Generation.Content;
using Microsoft.Extensions.AI;

namespace ContentPlatform.Generation.Offline;

// The model used when none is configured: answers deterministically from templates, so the whole system
// runs with no network and no key. In order: a registered IOfflineResponder's answer; the content-type
// templates for conversations ContentPrompts built; a schema-shaped JSON instance for structured requests;
// otherwise a short Markdown note on the subject. Every text answer is labelled as generated offline.
public sealed class OfflineChatClient(IEnumerable<IOfflineResponder> responders) : IChatClient
{
    public const string ModelName = "offline-templates";

    private static readonly ChatClientMetadata Metadata = new("offline", defaultModelId: ModelName);

    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var text = Answer(conversation, options);
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelName,
            FinishReason = ChatFinishReason.Stop,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private string Answer(IReadOnlyList<ChatMessage> conversation, ChatOptions? options)
    {
        foreach (var responder in responders)
        {
            if (responder.TryRespond(conversation, options) is { } answer)
            {
                return answer;
            }
        }

        if (ContentPrompts.TryRead(conversation, out var contentType, out var subject))
        {
            return ContentTemplates.Render(contentType, subject);
        }

        var lastUserText = conversation.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            return json.Schema is { } schema ? JsonSchemaSampler.Sample(schema, lastUserText) : "{}";
        }

        return $"""
            # {OfflineText.Headline(lastUserText)}

            - No AI model is configured, so this answer comes from a template.
            - Configure `ConnectionStrings:ai` to get real answers.

            ---
            {OfflineText.Label}
            """;
    }
}
