using Microsoft.Extensions.AI;

namespace ContentPlatform.Generation.Offline;

// Lets a feature give the offline generator a better answer for its own requests than the generic one.
// Register implementations as singletons; the first that returns text answers.
public interface IOfflineResponder
{
    string? TryRespond(IReadOnlyList<ChatMessage> messages, ChatOptions? options);
}
