namespace ContentPlatform.Generation.Content;

public sealed record GeneratedContent(string Markdown, bool GeneratedOffline, string Model);
