using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Aspire.Hosting;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.Hosting;

// The whole system as the AppHost declares it, run by Aspire: PostgreSQL, Redis, the Api and two Workers.
[Collection(RealProcesses.Name)]
public sealed class AppHostEndToEndTests
{
    [Fact]
    public async Task Starts_everything_healthy_serves_a_job_and_stopping_leaves_no_process_behind()
    {
        var app = await AppHostUnderTest.StartAsync(AppHostUnderTest.NewStateDirectory());
        IReadOnlyList<int> started;
        try
        {
            await app.WaitUntilHealthyAsync("postgres", "contentdb", "redis", "api", "worker");

            using var client = app.CreateHttpClient("api");
            Assert.Equal("Healthy", await client.GetStringAsync("/health"));
            var jobId = await GenerationJob.RunAsync(client);
            Assert.False(string.IsNullOrEmpty(jobId));

            // A first start on an empty state folder logs no error a newcomer would take for a fault.
            var lines = new List<string>();
            foreach (var (instance, _) in await AppHostUnderTest.InstancesAsync(app))
            {
                lines.AddRange(await AppHostUnderTest.LogLinesAsync(app, instance));
            }
            var levels = lines.Select(LogLevelOf).ToList();
            Assert.True(levels.Contains("info"), "No console log line read:\n" + string.Join('\n', lines.Take(20)));
            var failures = levels.Select((level, i) => (level, i)).Where(l => l.level is "fail" or "crit")
                .Select(l => string.Join('\n', lines.Skip(l.i).Take(4))).ToList();
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));

            started = await ProcessIdsAsync(app);
            // postgres, redis, api and the two worker replicas.
            Assert.Equal(5, started.Count);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Assert.Empty(await ProcessTree.StillRunningAsync(started));
    }

    // The console logger's level prefix ("info:", "fail:"...), whether or not a timestamp comes before it; Aspire
    // has the services color their console output for the dashboard.
    private static string? LogLevelOf(string line) =>
        Regex.Match(Regex.Replace(line, @"\x1B\[[0-9;]*m", ""), @"^(\S+\s)?(trce|dbug|info|warn|fail|crit): ") is { Success: true } match ? match.Groups[2].Value : null;

    private static async Task<IReadOnlyList<int>> ProcessIdsAsync(DistributedApplication app)
    {
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var pids = new List<int>();
        using var replay = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var seen = new Dictionary<string, int>();
        try
        {
            await foreach (var e in notifications.WatchAsync(replay.Token))
            {
                if (e.Snapshot.Properties.FirstOrDefault(p => p.Name.EndsWith(".pid")) is { Value: { } value }
                    && int.TryParse(value.ToString(), out var pid))
                {
                    seen[e.ResourceId] = pid;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Replayed every instance's current state.
        }
        pids.AddRange(seen.Values);
        return pids;
    }
}

// A generation job through the Api, as document 003 describes it, waited for until completed.
internal static class GenerationJob
{
    public static async Task<string> RunAsync(HttpClient client)
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var register = await client.PostAsJsonAsync("/auth/register", new { name = "Aspire User", email, password = "password123" });
        register.EnsureSuccessStatusCode();
        var token = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/generate-content")
        {
            Content = JsonContent.Create(new { prompt = "How to bake a sourdough bread", contentType = "Blog Post Outline" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var queued = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var jobId = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;

        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, $"/generate-content/{jobId}");
            poll.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var status = await (await client.SendAsync(poll)).Content.ReadFromJsonAsync<JsonElement>();
            if (status.GetProperty("status").GetString() == "completed")
            {
                return jobId;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Job {jobId} never completed.");
    }
}
