using System.Net;
using ContentPlatform.Hosting;

namespace ContentPlatform.Tests.Hosting;

// The whole system as the AppHost runs it: real PostgreSQL, Redis, Api and two Worker processes.
public sealed class AppHostEndToEndTests
{
    [Fact]
    public async Task Starts_everything_healthy_and_stopping_leaves_no_process_behind()
    {
        var app = await AppHostUnderTest.BuildAsync(AppHostUnderTest.NewStateDirectory());
        await app.StartAsync();
        IReadOnlyList<int> started;
        try
        {
            await app.WaitUntilHealthyAsync("postgres", "contentdb", "redis", "api", "worker");

            using var client = app.CreateHttpClient("api");
            var response = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());

            var snapshots = app.ResourceNotifications.GetSnapshots();
            Assert.Equal(["api-0", "contentdb", "postgres", "redis", "worker-0", "worker-1"], snapshots.Select(s => s.Name).Order());
            var processes = snapshots.Where(s => s.ProcessId is not null).ToDictionary(s => s.Name, s => s.ProcessId!.Value);
            Assert.Equal(["api-0", "postgres", "redis", "worker-0", "worker-1"], processes.Keys.Order());
            // The postgres server's own children (its backends and background workers) count too.
            started = [.. processes.Values, .. processes.Values.SelectMany(ProcessTree.Descendants)];
            Assert.Contains(ProcessTree.Descendants(processes["postgres"]), pid => ProcessTree.CommandLine(pid).Contains("contentdb"));
        }
        finally
        {
            await app.StopAsync();
        }

        Assert.Empty(started.Where(ProcessTree.IsRunning).Select(pid => $"{pid} {ProcessTree.CommandLine(pid)}"));
        Assert.All(app.ResourceNotifications.GetSnapshots(), s => Assert.Equal(ResourceState.Stopped, s.State));
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_worker_killed_with_sigkill_is_restarted_and_healthy_again()
    {
        await using var app = await AppHostUnderTest.BuildAsync(AppHostUnderTest.NewStateDirectory());
        await app.StartAsync();
        await app.WaitUntilHealthyAsync("worker");
        var killed = app.ResourceNotifications.GetSnapshot("worker-1")!;

        System.Diagnostics.Process.GetProcessById(killed.ProcessId!.Value).Kill();

        await app.WaitUntilAsync("worker-1", s =>
            s is { State: ResourceState.Running, Health: HealthStatus.Healthy, Restarts: 1 } && s.ProcessId != killed.ProcessId);
        Assert.False(ProcessTree.IsRunning(killed.ProcessId!.Value));
        Assert.Equal(0, app.ResourceNotifications.GetSnapshot("worker-0")!.Restarts);
    }
}
