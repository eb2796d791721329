using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Aspire.Hosting;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ContentPlatform.Tests.Hosting;

// The AppHost with its dashboard (unsecured, so its telemetry API answers): one generation job is one trace
// holding the Api's request and the Worker's job.
public sealed class DashboardFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;
    public Uri Dashboard { get; private set; } = null!;
    public string JobId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", "true");
        Environment.SetEnvironmentVariable("ASPIRE_ALLOW_UNSECURED_TRANSPORT", "true");
        App = await AppHostUnderTest.StartAsync(AppHostUnderTest.NewStateDirectory(), withDashboard: true);
        await App.WaitUntilHealthyAsync("api", "worker");
        Dashboard = App.GetEndpoint("aspire-dashboard", "http");
        using var client = App.CreateHttpClient("api");
        JobId = await GenerationJob.RunAsync(client);
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    // service.name of every span, by trace id, as the dashboard's telemetry API serves them (OTLP JSON).
    public async Task<Dictionary<string, HashSet<string>>> ServicesByTraceAsync() => await SpansByTraceAsync((service, _) => service);

    // "service.name/instrumentation scope" of every span, by trace id.
    public async Task<Dictionary<string, HashSet<string>>> ScopesByTraceAsync() => await SpansByTraceAsync((service, scope) => $"{service}/{scope}");

    private async Task<Dictionary<string, HashSet<string>>> SpansByTraceAsync(Func<string, string, string> describe)
    {
        using var http = new HttpClient { BaseAddress = Dashboard };
        var body = await http.GetFromJsonAsync<JsonElement>("/api/telemetry/traces");
        var traces = new Dictionary<string, HashSet<string>>();
        foreach (var resourceSpans in body.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resourceSpans.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Where(a => a.GetProperty("key").GetString() == "service.name")
                .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString())
                .FirstOrDefault() ?? "";
            foreach (var scope in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                var scopeName = scope.TryGetProperty("scope", out var named) && named.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "";
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    var traceId = span.GetProperty("traceId").GetString()!;
                    traces.TryAdd(traceId, []);
                    traces[traceId].Add(describe(service, scopeName));
                }
            }
        }
        return traces;
    }

    // Spans are exported in batches: wait for the trace that has both services.
    public async Task<string> TraceOfApiAndWorkerAsync()
    {
        Dictionary<string, HashSet<string>> traces = [];
        for (var attempt = 0; attempt < 120; attempt++)
        {
            traces = await ServicesByTraceAsync();
            if (traces.FirstOrDefault(t => t.Value.Contains("api") && t.Value.Contains("worker")) is { Key: { } traceId })
            {
                return traceId;
            }
            await Task.Delay(500);
        }
        throw new Xunit.Sdk.XunitException("No trace with spans from both api and worker: " +
            string.Join("; ", traces.Select(t => $"{t.Key}: {string.Join(",", t.Value)}")));
    }
}

[Collection(RealProcesses.Name)]
public sealed class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task A_generation_job_is_one_trace_with_spans_from_the_api_and_the_worker()
    {
        var traceId = await fixture.TraceOfApiAndWorkerAsync();

        var services = (await fixture.ServicesByTraceAsync())[traceId];
        Assert.Contains("api", services);
        Assert.Contains("worker", services);
    }

    [Fact]
    public async Task The_jobs_trace_holds_the_workers_redis_commands()
    {
        var traceId = await fixture.TraceOfApiAndWorkerAsync();
        HashSet<string> scopes = [];
        // The commands' spans are made after the job's span ends, and exported in a later batch.
        for (var attempt = 0; attempt < 60 && !scopes.Contains(WorkerRedisScope); attempt++)
        {
            scopes = (await fixture.ScopesByTraceAsync())[traceId];
            await Task.Delay(500);
        }
        Assert.Contains(WorkerRedisScope, scopes);
    }

    private const string WorkerRedisScope = "worker/OpenTelemetry.Instrumentation.StackExchangeRedis";

    [Fact]
    public async Task The_dashboard_shows_the_jobs_trace_in_a_browser()
    {
        var traceId = await fixture.TraceOfApiAndWorkerAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
            ],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });

        await page.GotoAsync(new Uri(fixture.Dashboard, $"/traces/detail/{traceId}").ToString());
        // A Blazor page: wait until it has rendered the spans of both services.
        await page.GetByText("worker", new PageGetByTextOptions { Exact = false }).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await page.GetByText("api", new PageGetByTextOptions { Exact = false }).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });

        var screenshot = Path.Combine(RepositoryLayout.Root(), "TestResults", "dashboard-trace.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }
}
