using System.Reflection;
using ContentPlatform.Hosting;
using ContentPlatform.Hosting.Testing;
using ContentPlatform.Tests.Infrastructure;
using Xunit.Sdk;

namespace ContentPlatform.Tests.Hosting;

// The AppHost's own Program, built the way Aspire.Hosting.Testing does it: free ports everywhere
// (no fixed 5000) and a state folder of its own.
internal static class AppHostUnderTest
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public static Assembly Assembly { get; } = Assembly.Load("ContentPlatform.AppHost");

    public static string NewStateDirectory() => TestServers.NewTempDirectory("apphost-state");

    public static Task<DistributedApplication> BuildAsync(string stateDirectory, params string[] args) =>
        DistributedApplicationTestingBuilder.BuildAsync(Assembly,
            ["--AppHost:RandomizePorts=true", $"--AppHost:StateDirectory={stateDirectory}", .. args]);

    public static ProjectResource Project(this DistributedApplication app, string name) =>
        app.Model.Resources.OfType<ProjectResource>().Single(p => p.Name == name);

    public static async Task WaitUntilHealthyAsync(this DistributedApplication app, params string[] resourceNames)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await Task.WhenAll(resourceNames.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));
        }
        catch (Exception ex) when (ex is OperationCanceledException or DistributedApplicationException)
        {
            throw new XunitException($"Not healthy: {ex.Message}\n{Describe(app)}");
        }
    }

    public static async Task WaitUntilAsync(this DistributedApplication app, string instanceName, Func<ResourceSnapshot, bool> predicate)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await foreach (var snapshot in app.ResourceNotifications.WatchAsync(timeout.Token))
            {
                if (snapshot.Name == instanceName && predicate(snapshot))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new XunitException($"{instanceName} never reached the expected state.\n{Describe(app)}");
        }
    }

    // Every instance's state and last output lines, so a failure explains itself.
    public static string Describe(DistributedApplication app) => string.Join("\n", app.ResourceNotifications.GetSnapshots().Select(s =>
        $"{s.Name}: {s.State}/{s.Health} pid={s.ProcessId} restarts={s.Restarts} {s.Error}\n  " +
        string.Join("\n  ", app.ResourceLogs.GetLines(s.Name).TakeLast(15).Select(l => l.Text))));
}
