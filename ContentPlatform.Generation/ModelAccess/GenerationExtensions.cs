using System.ClientModel;
using System.ClientModel.Primitives;
using ContentPlatform.Generation.Content;
using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Generation.Offline;
using ContentPlatform.Generation.WebsiteAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OllamaSharp;
using OpenAI;

namespace Microsoft.Extensions.Hosting;

public static class GenerationExtensions
{
    // The HttpClient every model call goes through.
    public const string HttpClientName = "ContentPlatform.Generation.ai";

    // Registers IChatClient (the configured model, or OfflineChatClient when none is configured) wrapped in
    // readable errors, OpenTelemetry and logging, and ContentGenerator on top of it.
    public static TBuilder AddContentGeneration<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connection = AiConnection.FromConfiguration(builder.Configuration);
        var options = builder.Configuration.GetSection(GenerationOptions.SectionName).Get<GenerationOptions>() ?? new GenerationOptions();

        // ServiceDefaults gives every client the standard handler with timeouts made for short calls;
        // this client gets one with the same strategies and timeouts made for model calls.
        // RemoveAllResilienceHandlers is marked experimental, but it is the documented way to replace the defaults.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
                resilience.CircuitBreaker.SamplingDuration = options.AttemptTimeout * 2 + TimeSpan.FromSeconds(1);
                resilience.Retry.Delay = options.RetryDelay;
                resilience.Retry.MaxRetryAttempts = options.MaxRetryAttempts;
            });

        builder.Services.AddSingleton<OfflineChatClient>();
        // Pipelines that can derive a better offline answer from their own input ask this instead of the offline chat client.
        builder.Services.AddSingleton<IModelInfo>(new ConfiguredModelInfo(IsOffline: connection is null));
        builder.Services.AddChatClient(services => CreateModelClient(services, connection))
            .Use(inner => new ReadableErrorsChatClient(inner))
            .UseOpenTelemetry()
            .UseLogging();
        builder.Services.AddSingleton<ContentGenerator>();
        return builder;
    }

    private sealed record ConfiguredModelInfo(bool IsOffline) : IModelInfo;

    private static IChatClient CreateModelClient(IServiceProvider services, AiConnection? connection)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GenerationExtensions));
        if (connection is null)
        {
            logger.LogWarning("No AI model is configured (ConnectionStrings:ai or OPENROUTER_KEY): content is generated offline from templates");
            return services.GetRequiredService<OfflineChatClient>();
        }

        logger.LogInformation("AI model: {Provider} {Model} at {Endpoint}", connection.Provider, connection.Model, connection.Endpoint);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        if (connection.Provider == AiProvider.Ollama)
        {
            http.BaseAddress = connection.Endpoint;
            return new OllamaApiClient(http, connection.Model);
        }

        var client = new OpenAIClient(
            // Local OpenAI-compatible servers need no key, but the SDK requires one.
            new ApiKeyCredential(connection.Key ?? "none"),
            new OpenAIClientOptions
            {
                Endpoint = connection.Endpoint,
                Transport = new HttpClientPipelineTransport(http),
                // The resilience handler retries and times out; the SDK's own policies would multiply them.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = Timeout.InfiniteTimeSpan,
            });
        return client.GetChatClient(connection.Model).AsIChatClient();
    }
}
