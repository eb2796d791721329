using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContentPlatform.Tests.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.OpenApi;

// Every status an operation answers with is one its OpenAPI document lists: the Api records (method, route, status) of
// each answer while a table of requests drives every operation through its success and error paths.
public sealed partial class DocumentedStatusTests(DocumentedStatusTests.Factory factory) : IClassFixture<DocumentedStatusTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        public ConcurrentBag<(string Method, string Path, int Status)> Answers { get; } = [];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RecordingFilter(Answers)));
        }
    }

    private sealed class RecordingFilter(ConcurrentBag<(string, string, int)> answers) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                // When the headers go out: a stream's status is known long before its handler ends.
                context.Response.OnStarting(() =>
                {
                    if (context.GetEndpoint() is RouteEndpoint endpoint)
                    {
                        answers.Add((context.Request.Method, DocumentPath(endpoint.RoutePattern.RawText!), context.Response.StatusCode));
                    }
                    return Task.CompletedTask;
                });
                await nextMiddleware(context);
            });
            next(app);
        };
    }

    [Fact]
    public async Task Every_status_an_operation_answers_is_documented_for_it()
    {
        await DriveEveryOperationAsync();

        var documented = await DocumentedStatusesAsync();
        var observed = factory.Answers.Where(a => !a.Path.StartsWith("/openapi/")).ToList();
        var undocumented = observed
            .Where(a => !documented.TryGetValue((a.Method, a.Path), out var statuses) || !statuses.Contains(a.Status))
            .Select(a => $"{a.Method} {a.Path} answered {a.Status}")
            .Distinct().Order().ToList();
        Assert.True(undocumented.Count == 0, "Answers missing from the OpenAPI document:\n" + string.Join('\n', undocumented));

        var unexercised = documented.Keys.Except(observed.Select(a => (a.Method, a.Path))).Select(k => $"{k.Item1} {k.Item2}").Order().ToList();
        Assert.True(unexercised.Count == 0, "Operations the table below never calls (add their requests):\n" + string.Join('\n', unexercised));
    }

    // Success and error paths of each operation; the statuses are asserted so that the table keeps doing what it says.
    private async Task DriveEveryOperationAsync()
    {
        var anonymous = factory.CreateClient();
        var (user, _) = await factory.CreateUserAsync();
        var (stranger, _) = await factory.CreateUserAsync();
        var session = factory.CreateClient();
        session.DefaultRequestHeaders.Add("x-session-id", $"session-{Guid.NewGuid():N}");
        var missing = Guid.NewGuid();

        // Auth
        var email = $"status-{Guid.NewGuid():N}@example.com";
        await Expect(HttpStatusCode.Created, anonymous, HttpMethod.Post, "/auth/register", new { name = "N", email, password = "password123" });
        await Expect(HttpStatusCode.BadRequest, anonymous, HttpMethod.Post, "/auth/register", new { name = "N" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, anonymous, HttpMethod.Post, "/auth/register", Huge());
        await Expect(HttpStatusCode.OK, anonymous, HttpMethod.Post, "/auth/login", new { email, password = "password123" });
        await Expect(HttpStatusCode.BadRequest, anonymous, HttpMethod.Post, "/auth/login", new { email });
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Post, "/auth/login", new { email, password = "wrong" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, anonymous, HttpMethod.Post, "/auth/login", Huge());
        await Expect(HttpStatusCode.OK, user, HttpMethod.Get, "/auth/me");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, "/auth/me");

        // Content
        var item = await Expect(HttpStatusCode.Created, user, HttpMethod.Post, "/content", new { title = "T", type = "Blog Post Outline", body = "B" });
        var itemId = item.GetProperty("_id").GetString();
        await Expect(HttpStatusCode.BadRequest, user, HttpMethod.Post, "/content", new { title = "T", type = "Poem", body = "B" });
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Post, "/content", new { title = "T", type = "Blog Post Outline", body = "B" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, user, HttpMethod.Post, "/content", Huge());
        await Expect(HttpStatusCode.OK, user, HttpMethod.Get, "/content?search=T");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, "/content");
        await Expect(HttpStatusCode.OK, user, HttpMethod.Put, $"/content/{itemId}", new { title = "T2" });
        await Expect(HttpStatusCode.BadRequest, user, HttpMethod.Put, $"/content/{itemId}", new { title = "" });
        await Expect(HttpStatusCode.Unauthorized, stranger, HttpMethod.Put, $"/content/{itemId}", new { title = "T3" });
        await Expect(HttpStatusCode.NotFound, user, HttpMethod.Put, $"/content/{missing}", new { title = "T3" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, user, HttpMethod.Put, $"/content/{itemId}", Huge());
        await Expect(HttpStatusCode.Unauthorized, stranger, HttpMethod.Delete, $"/content/{itemId}");
        await Expect(HttpStatusCode.OK, user, HttpMethod.Delete, $"/content/{itemId}");
        await Expect(HttpStatusCode.NotFound, user, HttpMethod.Delete, $"/content/{itemId}");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Delete, $"/content/{itemId}");

        // Generate content (the default 60 s delay keeps the job queued)
        var queued = await Expect(HttpStatusCode.Accepted, user, HttpMethod.Post, "/generate-content",
            new { prompt = "Benefits of remote work", contentType = "Blog Post Outline" });
        var generationId = queued.GetProperty("jobId").GetString();
        await Expect(HttpStatusCode.BadRequest, user, HttpMethod.Post, "/generate-content", new { prompt = "P", contentType = "Poem" });
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Post, "/generate-content", new { prompt = "P", contentType = "Blog Post Outline" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, user, HttpMethod.Post, "/generate-content", Huge());
        await Expect(HttpStatusCode.OK, user, HttpMethod.Get, "/generate-content");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, "/generate-content");
        await Expect(HttpStatusCode.OK, user, HttpMethod.Get, $"/generate-content/{generationId}");
        await Expect(HttpStatusCode.NotFound, stranger, HttpMethod.Get, $"/generate-content/{generationId}");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, $"/generate-content/{generationId}");
        await Expect(HttpStatusCode.BadRequest, user, HttpMethod.Post, $"/generate-content/{generationId}/save", new { });
        await Expect(HttpStatusCode.BadRequest, user, HttpMethod.Post, $"/generate-content/{generationId}/save", new { title = 5 });
        await Expect(HttpStatusCode.NotFound, user, HttpMethod.Post, $"/generate-content/{missing}/save", new { });
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Post, $"/generate-content/{generationId}/save", new { });
        await Expect(HttpStatusCode.RequestEntityTooLarge, user, HttpMethod.Post, $"/generate-content/{generationId}/save", Huge());

        // Events
        await ExpectStream(HttpStatusCode.OK, user, "/events");
        await ExpectStream(HttpStatusCode.Unauthorized, anonymous, "/events");

        // Jobs
        var analysis = await Expect(HttpStatusCode.Created, session, HttpMethod.Post, "/api/v1/jobs/website-analysis", new { url = "https://example.com" });
        var analysisId = analysis.GetProperty("jobId").GetString();
        await Expect(HttpStatusCode.BadRequest, session, HttpMethod.Post, "/api/v1/jobs/website-analysis", new { });
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Post, "/api/v1/jobs/website-analysis", new { url = "https://example.com" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, session, HttpMethod.Post, "/api/v1/jobs/website-analysis", Huge());
        await Expect(HttpStatusCode.Created, user, HttpMethod.Post, "/api/v1/jobs/content-generation", new { topic = new { title = "Backups" } });
        await Expect(HttpStatusCode.BadRequest, user, HttpMethod.Post, "/api/v1/jobs/content-generation", new { });
        await Expect(HttpStatusCode.Unauthorized, session, HttpMethod.Post, "/api/v1/jobs/content-generation", new { topic = "Backups" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, user, HttpMethod.Post, "/api/v1/jobs/content-generation", Huge());
        await Expect(HttpStatusCode.OK, session, HttpMethod.Get, $"/api/v1/jobs/{analysisId}/status");
        await Expect(HttpStatusCode.NotFound, user, HttpMethod.Get, $"/api/v1/jobs/{analysisId}/status");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, $"/api/v1/jobs/{analysisId}/status");
        await ExpectStream(HttpStatusCode.OK, session, $"/api/v1/jobs/{analysisId}/stream");
        await ExpectStream(HttpStatusCode.NotFound, user, $"/api/v1/jobs/{analysisId}/stream");
        await ExpectStream(HttpStatusCode.Unauthorized, anonymous, $"/api/v1/jobs/{analysisId}/stream");
        await Expect(HttpStatusCode.Conflict, session, HttpMethod.Post, $"/api/v1/jobs/{analysisId}/retry");
        await Expect(HttpStatusCode.NotFound, user, HttpMethod.Post, $"/api/v1/jobs/{analysisId}/retry");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Post, $"/api/v1/jobs/{analysisId}/retry");
        await Expect(HttpStatusCode.OK, session, HttpMethod.Post, $"/api/v1/jobs/{analysisId}/cancel");
        await Expect(HttpStatusCode.NotFound, user, HttpMethod.Post, $"/api/v1/jobs/{analysisId}/cancel");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Post, $"/api/v1/jobs/{analysisId}/cancel");
        await WaitForFailedAsync(session, analysisId!);
        await Expect(HttpStatusCode.Conflict, session, HttpMethod.Post, $"/api/v1/jobs/{analysisId}/cancel");
        await Expect(HttpStatusCode.OK, session, HttpMethod.Post, $"/api/v1/jobs/{analysisId}/retry");

        // Audiences
        var audience = await Expect(HttpStatusCode.Created, user, HttpMethod.Post, "/api/v1/audiences", new { name = "Nonprofit EDs" });
        var audienceId = audience.GetProperty("audience").GetProperty("id").GetString();
        await Expect(HttpStatusCode.BadRequest, user, HttpMethod.Post, "/api/v1/audiences", new { });
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Post, "/api/v1/audiences", new { name = "N" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, user, HttpMethod.Post, "/api/v1/audiences", Huge());
        await Expect(HttpStatusCode.OK, user, HttpMethod.Get, "/api/v1/audiences");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, "/api/v1/audiences");
        await Expect(HttpStatusCode.OK, user, HttpMethod.Get, $"/api/v1/audiences/{audienceId}");
        await Expect(HttpStatusCode.NotFound, stranger, HttpMethod.Get, $"/api/v1/audiences/{audienceId}");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, $"/api/v1/audiences/{audienceId}");
        await Expect(HttpStatusCode.Created, user, HttpMethod.Post, $"/api/v1/audiences/{audienceId}/request-content-calendar");
        await Expect(HttpStatusCode.OK, user, HttpMethod.Post, $"/api/v1/audiences/{audienceId}/request-content-calendar");
        await Expect(HttpStatusCode.NotFound, stranger, HttpMethod.Post, $"/api/v1/audiences/{audienceId}/request-content-calendar");
        await Expect(HttpStatusCode.Unauthorized, session, HttpMethod.Post, $"/api/v1/audiences/{audienceId}/request-content-calendar");

        // Posts and images
        await Expect(HttpStatusCode.OK, user, HttpMethod.Get, "/api/v1/posts");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, "/api/v1/posts");
        await Expect(HttpStatusCode.NotFound, user, HttpMethod.Get, $"/api/v1/posts/{missing}");
        await Expect(HttpStatusCode.Unauthorized, anonymous, HttpMethod.Get, $"/api/v1/posts/{missing}");
        await Expect(HttpStatusCode.NotFound, anonymous, HttpMethod.Get, $"/api/v1/images/{missing}.png");

        // Content flywheel (open: no secret is configured here)
        await Expect(HttpStatusCode.OK, anonymous, HttpMethod.Post, "/api/content/topics", new { theme = "Data backups", audience = "IT managers" });
        await Expect(HttpStatusCode.BadRequest, anonymous, HttpMethod.Post, "/api/content/topics", new { audience = "IT managers" });
        await Expect(HttpStatusCode.RequestEntityTooLarge, anonymous, HttpMethod.Post, "/api/content/topics", Huge());
        await Expect(HttpStatusCode.OK, anonymous, HttpMethod.Post, "/api/content/generate",
            new { topic = new { title = "Why backups fail" }, asset_types = new[] { "blog" } });
        await Expect(HttpStatusCode.BadRequest, anonymous, HttpMethod.Post, "/api/content/generate", new { asset_types = Array.Empty<string>() });
        await Expect(HttpStatusCode.RequestEntityTooLarge, anonymous, HttpMethod.Post, "/api/content/generate", Huge());
    }

    // A cancelled job ends as failed once the engine has recorded it.
    private static async Task WaitForFailedAsync(HttpClient client, string jobId)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var status = await Expect(HttpStatusCode.OK, client, HttpMethod.Get, $"/api/v1/jobs/{jobId}/status");
            if (status.GetProperty("status").GetString() == "failed")
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"Job {jobId} never failed after being cancelled");
    }

    private static HttpContent Huge() => new StringContent(new string('x', 1_100_000), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Expect(HttpStatusCode status, HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body switch { null => null, HttpContent content => content, _ => JsonContent.Create(body) },
        };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    private static async Task ExpectStream(HttpStatusCode status, HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(status, response.StatusCode);
    }

    private async Task<Dictionary<(string Method, string Path), HashSet<int>>> DocumentedStatusesAsync()
    {
        var document = await HttpAssert.JsonAsync(await factory.CreateClient().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var documented = new Dictionary<(string, string), HashSet<int>>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                documented[(operation.Name.ToUpperInvariant(), path.Name)] =
                    operation.Value.GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name)).ToHashSet();
            }
        }
        return documented;
    }

    // "/api/v1/images/{id:guid}.png" → "/api/v1/images/{id}.png", as the document writes paths.
    private static string DocumentPath(string routePattern) => "/" + RouteConstraint().Replace(routePattern.Trim('/'), "{$1}");

    [GeneratedRegex(@"\{(\w+):[^}]+\}")]
    private static partial Regex RouteConstraint();
}
