using System.Net;
using System.Net.Http.Json;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Generation;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ContentPlatform.Tests.ContentFlywheel;

// The flywheel through the real model pipeline (OpenAI-compatible client, resilience, readable errors) against a
// fake OpenAI-compatible server: the answer is asked for as JSON matching a schema, and model errors become reasons.
public sealed class FlywheelPipelineTests(FlywheelApiFactory factory) : IClassFixture<FlywheelApiFactory>, IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Api() =>
        factory.With(settings: new(GenerationHost.FastResilience.ToDictionary(s => s.Key, s => s.Value!))
        {
            ["ConnectionStrings:ai"] = GenerationHost.ConnectionString(_server),
        });

    [Fact]
    public async Task Topics_are_asked_for_as_json_schema_structured_output_and_returned()
    {
        _server.ChatRequest().AnswerChat(ModelScripts.Valid(ModelScripts.Topics));
        await using var api = Api();

        var response = await api.CreateClient().PostAsJsonAsync("/api/content/topics", FlywheelApiFactory.TopicsExample);

        var topics = (await HttpAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("topics").EnumerateArray().ToList();
        Assert.Equal("Model topic 1", topics[0].GetProperty("title").GetString());
        // The last request: on a loaded machine the resilience handler may have retried a slow first attempt.
        var request = _server.LogEntries.Last().RequestMessage.Body!;
        Assert.Contains("\"json_schema\"", request);
        Assert.Contains("whyItMatters", request);
        var messages = GenerationHost.Messages(request);
        Assert.Equal(["system", "user"], messages.Select(m => m.Role));
        Assert.Contains("\"audience\":\"nonprofit ED\"", messages[1].Content);
    }

    [Fact]
    public async Task A_failing_model_fails_the_asset_types_with_a_readable_reason()
    {
        _server.ChatRequest().AtPriority(10).RespondWith(Response.Create().WithStatusCode(HttpStatusCode.BadRequest).WithBody("{}"));
        _server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost().WithBody(body => body!.Contains("LinkedIn posts")))
            .AtPriority(1)
            .AnswerChat(ModelScripts.Valid("linkedin"));
        await using var api = Api();

        var response = await api.CreateClient().PostAsJsonAsync("/api/content/generate", FlywheelApiFactory.GenerateExample);

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(3, body.GetProperty("assets").GetArrayLength());
        Assert.Equal(
            ["blog: AI service rejected the request", "email: AI service rejected the request", "onepager: AI service rejected the request"],
            body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
    }
}
