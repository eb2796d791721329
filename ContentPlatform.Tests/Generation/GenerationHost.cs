using System.Net;
using System.Text.Json;
using ContentPlatform.Generation.Content;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ContentPlatform.Tests.Generation;

// A host with ServiceDefaults and AddContentGeneration, configured only by the given settings
// (no environment variables, so a developer's own OPENROUTER_KEY cannot leak into the tests).
internal static class GenerationHost
{
    // Quick retries for tests, same strategies as production; generous timeouts so a busy machine never times out
    // by accident (the timeout test sets its own).
    public static readonly Dictionary<string, string?> FastResilience = new()
    {
        ["Generation:AttemptTimeout"] = "00:00:10",
        ["Generation:TotalTimeout"] = "00:00:30",
        ["Generation:RetryDelay"] = "00:00:00.050",
        ["Generation:MaxRetryAttempts"] = "2",
    };

    public static IHost Build(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(FastResilience);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddContentGeneration();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    public static ContentGenerator Generator(this IHost host) => host.Services.GetRequiredService<ContentGenerator>();

    public static IChatClient ChatClient(this IHost host) => host.Services.GetRequiredService<IChatClient>();

    public static string ConnectionString(WireMockServer server, string model = "test-model") =>
        $"Endpoint={server.Url}/v1;Key=test-key;Model={model};Provider=openai";

    public static void AnswerChat(this IRespondWithAProvider request, string content, string model = "test-model") =>
        request.RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK).WithHeader("Content-Type", "application/json")
            .WithBody(Completion(content, model)));

    public static IRespondWithAProvider ChatRequest(this WireMockServer server, string path = "/v1/chat/completions") =>
        server.Given(Request.Create().WithPath(path).UsingPost());

    public static string Completion(string content, string model = "test-model") => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion",
        created = 1_736_668_800,
        model,
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 12, completion_tokens = 34, total_tokens = 46 },
    });

    // The chat messages of a request the fake server received, as (role, content).
    public static (string Role, string Content)[] Messages(string requestBody) =>
        JsonDocument.Parse(requestBody).RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").ValueKind == JsonValueKind.String
                ? m.GetProperty("content").GetString()!
                : string.Concat(m.GetProperty("content").EnumerateArray().Select(part => part.GetProperty("text").GetString()))))
            .ToArray();
}
