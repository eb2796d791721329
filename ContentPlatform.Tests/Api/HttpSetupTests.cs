using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.Api;

public sealed class HttpSetupTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/auth/login", "POST", "Content-Type")]
    [InlineData("/content", "GET", "Authorization")]
    [InlineData("/content/abc", "PUT", "Authorization, Content-Type")]
    [InlineData("/content/abc", "DELETE", "Authorization, x-session-id")]
    [InlineData("/events", "GET", "Authorization, Last-Event-ID")]
    public async Task Preflight_from_the_frontend_origin_is_answered_204(string path, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "http://localhost:3000");
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("http://localhost:3000", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowedMethods = response.Headers.GetValues("Access-Control-Allow-Methods").SelectMany(v => v.Split(',')).Select(v => v.Trim());
        Assert.Contains(method, allowedMethods);
    }

    [Fact]
    public async Task Other_origins_get_no_cors_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/content");
        request.Headers.Add("Origin", "http://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");

        var response = await factory.CreateClient().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Simple_requests_from_the_frontend_get_the_allow_origin_header_even_on_errors()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/content");
        request.Headers.Add("Origin", "http://localhost:3000");

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("http://localhost:3000", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Configured_origins_replace_the_development_default()
    {
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting("Cors:AllowedOrigins", "https://app.example.com, https://admin.example.com/"));
        async Task<bool> Allowed(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/content");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "GET");
            return (await configured.CreateClient().SendAsync(request)).Headers.Contains("Access-Control-Allow-Origin");
        }

        Assert.True(await Allowed("https://app.example.com"));
        Assert.True(await Allowed("https://admin.example.com"));
        Assert.False(await Allowed("http://localhost:3000"));
    }

    [Fact]
    public async Task A_body_declared_over_1_MB_answers_413_with_a_json_message()
    {
        var (client, _) = await factory.CreateUserAsync();
        var huge = JsonSerializer.Serialize(new { title = "t", type = "Blog Post Outline", body = new string('x', 1_100_000) });

        var response = await client.PostAsync("/content", new StringContent(huge, Encoding.UTF8, "application/json"));

        await HttpAssert.MessageAsync(response, HttpStatusCode.RequestEntityTooLarge, "Request body too large");
        Assert.Empty((await HttpAssert.JsonAsync(await client.GetAsync("/content"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task A_chunked_body_over_1_MB_answers_413_with_a_json_message()
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { name = new string('x', 1_100_000), email = "a@example.com", password = "p" }));
        var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/register") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await factory.CreateClient().SendAsync(request);

        await HttpAssert.MessageAsync(response, HttpStatusCode.RequestEntityTooLarge, "Request body too large");
    }

    [Fact]
    public async Task The_token_query_parameter_is_ignored_on_ordinary_endpoints()
    {
        var (_, user) = await factory.CreateUserAsync();

        var response = await factory.CreateClient().GetAsync($"/auth/me?token={user.Token}");

        await HttpAssert.MessageAsync(response, HttpStatusCode.Unauthorized, "Not authorized, no token");
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint_in_development()
    {
        var document = await HttpAssert.JsonAsync(await factory.CreateClient().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => "/" + Regex.Replace(e.RoutePattern.RawText!.Trim('/'), @"\{(\w+):[^}]+\}", "{$1}"))
            .Where(path => path is not ("/health" or "/alive" or "/socket.io") && !path.StartsWith("/openapi/") && !path.StartsWith("/scalar"))
            .ToHashSet();
        Assert.Contains("/auth/register", mapped);
        Assert.Contains("/generate-content/{jobId}/save", mapped);
        Assert.Empty(mapped.Except(paths));
        Assert.True(document.GetProperty("paths").GetProperty("/auth/register").GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/scalar")).StatusCode);
    }

    [Fact]
    public async Task Outside_development_the_api_refuses_to_start_without_a_jwt_key()
    {
        using var production = factory.WithWebHostBuilder(b => b.UseEnvironment("Production").UseSetting("Jwt:Key", ""));

        var error = Assert.ThrowsAny<Exception>(() => production.CreateClient());

        Assert.Contains("Jwt:Key", error.ToString());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task In_development_without_a_key_tokens_are_signed_with_an_ephemeral_key()
    {
        using var ephemeral = factory.WithWebHostBuilder(b => b.UseSetting("Jwt:Key", ""));
        var client = ephemeral.CreateClient();
        var email = $"e-{Guid.NewGuid():N}@example.com";
        var registered = await HttpAssert.JsonAsync(
            await client.PostAsJsonAsync("/auth/register", new { name = "E", email, password = "p" }), HttpStatusCode.Created);
        var token = registered.GetProperty("token").GetString();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/auth/me")).StatusCode);

        var withConfiguredKey = factory.CreateClient();
        withConfiguredKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await HttpAssert.MessageAsync(await withConfiguredKey.GetAsync("/auth/me"), HttpStatusCode.Unauthorized, "Not authorized");
    }
}

public sealed class LoginRateLimitTests(LoginRateLimitTests.Factory factory) : IClassFixture<LoginRateLimitTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        protected override int LoginPermitLimit => 3;
    }

    [Fact]
    public async Task Login_attempts_over_the_limit_answer_429_with_a_json_message_while_other_endpoints_still_work()
    {
        var (authorized, user) = await factory.CreateUserAsync();
        var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            await HttpAssert.MessageAsync(await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "wrong" }),
                HttpStatusCode.Unauthorized, "Invalid credentials");
        }
        var limited = await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "password123" });

        await HttpAssert.MessageAsync(limited, (HttpStatusCode)429, "Too many requests, please try again later");
        Assert.Equal(HttpStatusCode.OK, (await authorized.GetAsync("/auth/me")).StatusCode);
    }
}
