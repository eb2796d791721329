using Microsoft.Extensions.AI;

namespace ContentPlatform.Tests.Calendars;

// A model that answers with the texts a test scripts and records what it was asked: for checking how the
// pipelines treat valid, malformed and invalid model answers, failures and slow answers. Safe to call concurrently.
public sealed class ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, CancellationToken, Task<string>> answer) : IChatClient
{
    private readonly List<IReadOnlyList<ChatMessage>> _requests = [];

    public ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, string> answer)
        : this((conversation, _) => Task.FromResult(answer(conversation)))
    {
    }

    public List<IReadOnlyList<ChatMessage>> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages.ToList();
        lock (_requests)
        {
            _requests.Add(conversation);
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, await answer(conversation, cancellationToken)));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
