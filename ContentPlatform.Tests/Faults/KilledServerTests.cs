using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Hosting;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.Faults;

// The AppHost's own PostgreSQL and Redis resources (the rest of its model taken out) killed with SIGKILL: the AppHost
// starts each again by itself, says so in the resource's console, and an Api that was using them recovers without a
// restart of its own.
[Collection(RealProcesses.Name)]
public sealed class KilledServerTests
{
    [Fact]
    public async Task A_killed_postgres_or_redis_is_started_again_by_the_apphost_and_the_api_recovers()
    {
        await using var app = await AppHostUnderTest.StartOnlyAsync(
            appHostDirectory: null, AppHostUnderTest.NewStateDirectory(), "postgres", "contentdb", "redis");
        await app.WaitUntilHealthyAsync("postgres", "contentdb", "redis");
        await using var api = new AppHostServersApiFactory(
            await app.GetConnectionStringAsync("contentdb") ?? "", await app.GetConnectionStringAsync("redis") ?? "");
        var (client, _) = await api.CreateUserAsync();
        await QueueAsync(client);

        foreach (var server in new[] { "postgres", "redis" })
        {
            var killed = await PidOfAsync(app, server);
            ChildProcess.Signal(killed, Signals.Kill);

            await Eventually.TrueAsync(async () => await PidOfAsync(app, server) is var pid && pid != 0 && pid != killed,
                $"{server} running again under a new process");
            await app.WaitUntilHealthyAsync(server);
            await Eventually.TrueAsync(async () => (await client.GetAsync("/auth/me")).StatusCode == HttpStatusCode.OK
                && (await client.PostAsJsonAsync("/generate-content", GenerationRequest)).StatusCode == HttpStatusCode.Accepted,
                $"the Api answering again after {server} came back");
            var console = await AppHostUnderTest.LogLinesAsync(app, (await InstanceOfAsync(app, server)).Key);
            Assert.Contains(console, line => line.Contains("exited unexpectedly") && line.Contains("starts it again"));
        }
        await app.StopAsync();
    }

    private static readonly object GenerationRequest = new { prompt = "Sourdough for beginners", contentType = "Blog Post Outline" };

    private static async Task QueueAsync(HttpClient client) =>
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/generate-content", GenerationRequest)).StatusCode);

    // The server's one instance (its parameters, such as postgres-password, are resources too).
    private static async Task<KeyValuePair<string, CustomResourceSnapshot>> InstanceOfAsync(DistributedApplication app, string resource) =>
        (await AppHostUnderTest.InstancesAsync(app))
            .Single(i => i.Value.ResourceType == "Executable" && (i.Key == resource || i.Key.StartsWith(resource + "-")));

    // The process DCP runs for the resource now; 0 while there is none.
    private static async Task<int> PidOfAsync(DistributedApplication app, string resource)
    {
        var snapshot = (await InstanceOfAsync(app, resource)).Value;
        return snapshot.State?.Text == KnownResourceStates.Running
            && snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid)
            : 0;
    }
}

// The real Api in-process on the servers an AppHost runs (through DCP's proxies, as the AppHost's own Api would be).
internal sealed class AppHostServersApiFactory : ApiFactory
{
    public AppHostServersApiFactory(string database, string redis)
    {
        Database = database;
        Redis = redis;
    }
}
