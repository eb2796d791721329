using System.Data.Common;
using Microsoft.Extensions.Configuration;

namespace ContentPlatform.Generation.ModelAccess;

// Which model to talk to, read from ConnectionStrings:ai ("Endpoint=...;Key=...;Model=...;Provider=openai|ollama"),
// or from the documents' OPENROUTER_KEY / BASE_URL / OPENROUTER_MODEL when that is absent.
public sealed record AiConnection(AiProvider Provider, Uri Endpoint, string? Key, string Model)
{
    public const string ConnectionName = "ai";
    public const string DefaultOpenAIModel = "gpt-4o-mini";
    public const string DefaultOpenRouterModel = "openai/gpt-4o-mini";
    public const string DefaultOllamaModel = "llama3.2";

    private static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");
    private static readonly Uri OpenRouterEndpoint = new("https://openrouter.ai/api/v1");
    private static readonly Uri OllamaEndpoint = new("http://localhost:11434");

    // Null means no model is configured: the offline generator answers.
    public static AiConnection? FromConfiguration(IConfiguration configuration)
    {
        if (configuration.GetConnectionString(ConnectionName) is { Length: > 0 } connectionString)
        {
            return Parse(connectionString);
        }

        if (configuration["OPENROUTER_KEY"] is { Length: > 0 } key)
        {
            var endpoint = configuration["BASE_URL"] is { Length: > 0 } baseUrl ? ParseEndpoint(baseUrl) : OpenRouterEndpoint;
            var model = configuration["OPENROUTER_MODEL"] is { Length: > 0 } name ? name : DefaultOpenRouterModel;
            return new AiConnection(AiProvider.OpenAI, endpoint, key, model);
        }

        return null;
    }

    public static AiConnection Parse(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(params string[] names) =>
            names.Select(n => parts.TryGetValue(n, out var v) ? v?.ToString() : null).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

        var provider = Get("Provider")?.ToLowerInvariant() switch
        {
            null or "openai" or "azureopenai" or "azure" or "openrouter" => AiProvider.OpenAI,
            "ollama" => AiProvider.Ollama,
            var other => throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} names an unknown Provider '{other}'; use 'openai' (any OpenAI-compatible endpoint) or 'ollama'."),
        };
        var endpoint = Get("Endpoint") is { } value
            ? ParseEndpoint(value)
            : provider == AiProvider.Ollama ? OllamaEndpoint : OpenAIEndpoint;
        var model = Get("Model", "Deployment")
            ?? (provider == AiProvider.Ollama ? DefaultOllamaModel : DefaultOpenAIModel);
        return new AiConnection(provider, endpoint, Get("Key", "AccessKey"), model);
    }

    private static Uri ParseEndpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidOperationException($"The AI endpoint '{value}' is not an absolute http(s) URL.");

    // The key is a secret: keep it out of logs and exception messages.
    public override string ToString() => $"{Provider} {Model} at {Endpoint}";
}

public enum AiProvider
{
    OpenAI,
    Ollama,
}
