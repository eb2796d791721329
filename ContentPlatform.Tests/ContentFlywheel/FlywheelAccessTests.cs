using System.Net;
using System.Net.Http.Json;
using ContentPlatform.Tests.Api;

namespace ContentPlatform.Tests.ContentFlywheel;

// The optional secret and the CORS policy of the flywheel endpoints.
public sealed class FlywheelAccessTests(FlywheelApiFactory factory) : IClassFixture<FlywheelApiFactory>
{
    private const string Secret = "flywheel-test-secret";
    private static readonly string[] Paths = ["/api/content/topics", "/api/content/generate"];

    [Theory]
    [InlineData("ContentApi:Secret")]
    [InlineData("CONTENT_API_SECRET")]
    public async Task With_a_secret_requests_without_it_get_401_in_the_ok_false_shape(string setting)
    {
        await using var api = factory.With(settings: new() { [setting] = Secret });
        var client = api.CreateClient();

        foreach (var path in Paths)
        {
            var missing = await client.PostAsJsonAsync(path, Example(path));
            var wrong = await SendAsync(client, path, ("X-Content-API-Secret", "not-the-secret"));
            var wrongBearer = await SendAsync(client, path, ("Authorization", "Bearer not-the-secret"));
            var prefix = await SendAsync(client, path, ("Authorization", $"Bearer {Secret[..^1]}"));

            foreach (var response in new[] { missing, wrong, wrongBearer, prefix })
            {
                var body = await HttpAssert.JsonAsync(response, HttpStatusCode.Unauthorized);
                Assert.False(body.GetProperty("ok").GetBoolean());
                Assert.Equal("unauthorized", body.GetProperty("error").GetString());
                Assert.Equal("A valid API secret is required.", body.GetProperty("message").GetString());
            }
        }
    }

    [Theory]
    [InlineData("X-Content-API-Secret", Secret)]
    [InlineData("Authorization", "Bearer " + Secret)]
    [InlineData("Authorization", "bearer " + Secret)]
    public async Task With_a_secret_either_header_carrying_it_is_let_through(string header, string value)
    {
        await using var api = factory.With(settings: new() { ["ContentApi:Secret"] = Secret });
        var client = api.CreateClient();

        foreach (var path in Paths)
        {
            await HttpAssert.JsonAsync(await SendAsync(client, path, (header, value)), HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task With_a_secret_invalid_input_is_still_checked_only_after_the_secret()
    {
        await using var api = factory.With(settings: new() { ["ContentApi:Secret"] = Secret });
        var response = await api.CreateClient().PostAsync("/api/content/topics", new StringContent("not json", System.Text.Encoding.UTF8, "application/json"));

        await HttpAssert.JsonAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Without_a_secret_the_endpoints_are_open()
    {
        var client = factory.CreateClient();

        foreach (var path in Paths)
        {
            await HttpAssert.JsonAsync(await client.PostAsJsonAsync(path, Example(path)), HttpStatusCode.OK);
        }
    }

    [Theory]
    [InlineData("/api/content/topics")]
    [InlineData("/api/content/generate")]
    public async Task Preflight_from_any_origin_is_answered_204_with_the_documented_headers(string path)
    {
        var response = await factory.CreateClient().SendAsync(Preflight(path, "https://workflows.example.org"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", HeaderList(response, "Access-Control-Allow-Methods"));
        var headers = HeaderList(response, "Access-Control-Allow-Headers").Select(h => h.ToLowerInvariant()).ToList();
        Assert.Contains("content-type", headers);
        Assert.Contains("authorization", headers);
        Assert.Contains("x-content-api-secret", headers);
    }

    [Fact]
    public async Task Responses_carry_the_allow_origin_header_even_on_errors()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/content/topics") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Origin", "https://workflows.example.org");

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Configured_origins_replace_any_origin()
    {
        await using var api = factory.With(settings: new() { ["ContentApi:AllowedOrigins"] = "https://n8n.example.com, https://app.example.com/" });
        var client = api.CreateClient();

        var allowed = await client.SendAsync(Preflight("/api/content/generate", "https://n8n.example.com"));
        var other = await client.SendAsync(Preflight("/api/content/generate", "https://evil.example"));

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://n8n.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_frontend_policy_still_governs_the_other_endpoints()
    {
        var response = await factory.CreateClient().SendAsync(Preflight("/content", "https://workflows.example.org", "GET"));

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static object Example(string path) =>
        path.EndsWith("topics") ? FlywheelApiFactory.TopicsExample : FlywheelApiFactory.GenerateExample;

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, (string Name, string Value) header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(Example(path)) };
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        return client.SendAsync(request);
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method = "POST")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "Content-Type, Authorization, X-Content-API-Secret");
        return request;
    }

    private static List<string> HeaderList(HttpResponseMessage response, string name) =>
        response.Headers.GetValues(name).SelectMany(v => v.Split(',')).Select(v => v.Trim()).ToList();
}
