using Microsoft.Extensions.AI;

namespace ContentPlatform.Tests.Calendars;

// A model that answers with the texts a test scripts, in order, and records what it was asked:
// for checking how the pipelines treat valid, malformed and invalid model answers.
public sealed class ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, string> answer) : IChatClient
{
    public List<IReadOnlyList<ChatMessage>> Requests { get; } = [];

    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages.ToList();
        Requests.Add(conversation);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer(conversation))));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
