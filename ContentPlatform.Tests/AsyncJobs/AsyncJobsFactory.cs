using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Infrastructure;
using ContentPlatform.Tests.Jobs;
using ContentPlatform.Tests.WebsiteAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ContentPlatform.Tests.AsyncJobs;

// The real Api (in-process) with a Redis key prefix of its own and, unless WithWorker is false, a real
// ContentPlatform.Worker process on the same database and prefix, plus a website the jobs analyze (Kestrel on a free
// loopback port, which the Worker may fetch because WebsiteAnalysis:AllowedHosts is 127.0.0.1:* — but not "localhost").
public class AsyncJobsFactory : ApiFactory, IAsyncLifetime
{
    private ChildProcess? _worker;
    private TestWebsite? _website;

    protected virtual bool WithWorker => true;

    public TestWebsite Website => _website ?? throw new InvalidOperationException("Not started.");

    // While false, /flaky answers 500.
    public volatile bool FlakyPageWorks;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _website = await TestWebsite.StartAsync(MapPages);
        if (WithWorker)
        {
            _worker = WorkerProcess.Start(Database, Redis, JobsKeyPrefix, new Dictionary<string, string?>
            {
                ["WebsiteAnalysis:AllowedHosts"] = "127.0.0.1:*",
                ["Jobs:RetryBaseDelay"] = "00:00:00",
                ["Jobs:ProgressWriteInterval"] = "00:00:00.050",
            });
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
        if (_website is not null)
        {
            await _website.DisposeAsync();
        }
        await DisposeAsync();
    }

    private void MapPages(WebApplication app)
    {
        app.MapGet("/", context => TestWebsite.WriteHtmlAsync(context, SamplePages.Bakery));
        app.MapGet("/broken", () => Results.StatusCode(StatusCodes.Status500InternalServerError));
        app.MapGet("/flaky", context => FlakyPageWorks
            ? TestWebsite.WriteHtmlAsync(context, SamplePages.Bakery)
            : Task.FromResult(context.Response.StatusCode = StatusCodes.Status500InternalServerError));
        // Answers only when the client gives up, so a job fetching it stays running until it is cancelled.
        app.MapGet("/slow", async context =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        app.MapGet("/to-localhost", context =>
        {
            context.Response.Redirect($"http://localhost:{_website!.Port}/");
            return Task.CompletedTask;
        });
    }

    public HttpClient SessionClient(string? sessionId = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-session-id", sessionId ?? $"session-{Guid.NewGuid():N}");
        return client;
    }

    public static async Task<Guid> StartAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var json = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        return json.GetProperty("jobId").GetGuid();
    }

    // Polls the status endpoint, as document 001's clients do, until the job is in one of the given states.
    public static Task<JsonElement> WaitForStatusAsync(HttpClient client, Guid jobId, params string[] statuses) =>
        WaitForAsync(client, jobId, status => statuses.Contains(status.GetProperty("status").GetString()), string.Join(" or ", statuses));

    public static async Task<JsonElement> WaitForAsync(HttpClient client, Guid jobId, Func<JsonElement, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await HttpAssert.JsonAsync(await client.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.OK);
            if (condition(status))
            {
                return status;
            }
            try
            {
                await Task.Delay(50, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Job {jobId} never became {what}; last status: {status}");
            }
        }
    }
}

// The Api alone: jobs stay queued, so what the Api does with queued jobs can be checked without a race against a Worker.
public sealed class ApiOnlyFactory : AsyncJobsFactory
{
    protected override bool WithWorker => false;
}

// The Api with a Redis that does not answer: every enqueue must answer 503 and leave nothing behind.
public sealed class RedisDownFactory : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:redis", $"127.0.0.1:{TestServers.FreePort()},connectTimeout=500,asyncTimeout=500");
    }
}
