namespace ContentPlatform.Generation;

// Everything that produces content: model access through IChatClient, the offline generator,
// prompts, and the pipelines the Worker runs.
internal static class GenerationAssembly;
