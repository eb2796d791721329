using System.Diagnostics;

namespace ContentPlatform.Tests.Hosting;

// The AppHost as its own process, so that it can be killed the way no handler can intercept.
public sealed class AppHostProcessTests
{
    [Fact]
    public async Task Killing_the_apphost_with_sigkill_takes_every_process_it_started_with_it()
    {
        var startInfo = new ProcessStartInfo(DotnetHost,
            [Path.Combine(AppContext.BaseDirectory, "ContentPlatform.AppHost.dll"),
             "--AppHost:RandomizePorts=true", $"--AppHost:StateDirectory={AppHostUnderTest.NewStateDirectory()}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var appHost = Process.Start(startInfo)!;
        var output = new List<string>();
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        appHost.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.Add(e.Data ?? "");
            }
            if (e.Data?.Contains("Everything is healthy") == true)
            {
                healthy.TrySetResult();
            }
        };
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();

        IReadOnlyList<int> started;
        try
        {
            await healthy.Task.WaitAsync(AppHostUnderTest.StartTimeout);
            started = ProcessTree.Descendants(appHost.Id);
            var commands = started.Select(ProcessTree.CommandLine).ToList();
            Assert.Contains(commands, c => c.Contains("redis-server"));
            Assert.Contains(commands, c => c.Contains("postgres -D"));
            Assert.Equal(3, commands.Count(c => c.StartsWith("dotnet ") || c.Contains("/dotnet ")));
        }
        catch
        {
            appHost.Kill(entireProcessTree: true);
            lock (output)
            {
                throw new Xunit.Sdk.XunitException("The AppHost did not get healthy:\n" + string.Join("\n", output.TakeLast(60)));
            }
        }

        appHost.Kill();
        await appHost.WaitForExitAsync();

        var left = started.ToList();
        for (var attempt = 0; attempt < 300 && left.Count > 0; attempt++)
        {
            await Task.Delay(100);
            left = left.Where(ProcessTree.IsRunning).ToList();
        }
        Assert.Empty(left.Select(pid => $"{pid} {ProcessTree.CommandLine(pid)}"));
    }

    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
