using Microsoft.Extensions.AI;

namespace ContentPlatform.Generation.ModelAccess;

// Tells the pipelines whether the IChatClient is a real model. When it is not, they derive their output from
// their input themselves instead of asking the offline chat client for templates.
public interface IModelInfo
{
    bool IsOffline { get; }
}

// The default when model access registers nothing better: offline exactly when no IChatClient is registered.
internal sealed class ChatClientModelInfo(IChatClient? chatClient = null) : IModelInfo
{
    public bool IsOffline { get; } = chatClient is null;
}
