using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Sdk;

namespace ContentPlatform.Tests.Hosting;

// The AppHost's own app model, started by Aspire.Hosting.Testing: random ports (no fixed 5000) and a state
// folder of its own. A failure prints every resource's state and last log lines.
internal static class AppHostUnderTest
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    public static string NewStateDirectory() => TestServers.NewTempDirectory("apphost-state");

    public static async Task<DistributedApplication> StartAsync(string stateDirectory, bool withDashboard = false)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ContentPlatform_AppHost>(
            [$"--AppHost:StateDirectory={stateDirectory}", "--GenerateContent:DelaySeconds=0"],
            (options, _) => options.DisableDashboard = !withDashboard);
        var app = await builder.BuildAsync();
        await app.StartAsync();
        return app;
    }

    // The AppHost's model with only the named resources (and the parameters they use) left in it.
    public static async Task<DistributedApplication> StartOnlyAsync(string? appHostDirectory, string? stateDirectory, params string[] keep)
    {
        string[] args = stateDirectory is null ? [] : [$"--AppHost:StateDirectory={stateDirectory}"];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ContentPlatform_AppHost>(args, (options, _) =>
        {
            options.DisableDashboard = true;
            if (appHostDirectory is not null)
            {
                // The default state folder is {AppHost directory}/../.state.
                options.ProjectDirectory = appHostDirectory;
            }
        });
        foreach (var resource in builder.Resources.Where(r => r is not ParameterResource && !keep.Contains(r.Name)).ToList())
        {
            builder.Resources.Remove(resource);
        }
        var app = await builder.BuildAsync();
        await app.StartAsync();
        return app;
    }

    public static async Task WaitUntilHealthyAsync(this DistributedApplication app, params string[] resourceNames)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        try
        {
            await Task.WhenAll(resourceNames.Select(name => notifications.WaitForResourceHealthyAsync(name, timeout.Token)));
        }
        catch (OperationCanceledException)
        {
            throw new XunitException($"Not healthy within {StartTimeout}:\n{await DescribeAsync(app)}");
        }
    }

    // Every resource's state and last log lines, so a failure explains itself.
    public static async Task<string> DescribeAsync(DistributedApplication app)
    {
        var lines = new List<string>();
        foreach (var (instance, snapshot) in await InstancesAsync(app))
        {
            lines.Add($"{instance}: {snapshot.State?.Text} health={snapshot.HealthStatus} exit={snapshot.ExitCode}");
            lines.AddRange((await LogLinesAsync(app, instance)).TakeLast(15).Select(line => "  " + line));
        }
        return string.Join('\n', lines);
    }

    // Every resource instance (each replica apart) with its current state.
    public static async Task<IReadOnlyList<KeyValuePair<string, CustomResourceSnapshot>>> InstancesAsync(DistributedApplication app)
    {
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var latest = new Dictionary<string, CustomResourceSnapshot>();
        using var replay = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            // Starts with the current state of every resource instance.
            await foreach (var e in notifications.WatchAsync(replay.Token))
            {
                latest[e.ResourceId] = e.Snapshot;
            }
        }
        catch (OperationCanceledException)
        {
            // Replayed everything there is.
        }
        return latest.OrderBy(pair => pair.Key).ToList();
    }

    // The console output of one resource instance so far.
    public static async Task<IReadOnlyList<string>> LogLinesAsync(DistributedApplication app, string instance)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await foreach (var batch in logs.GetAllAsync(instance).WithCancellation(timeout.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException)
        {
            // Only what is there already.
        }
        return lines;
    }
}
