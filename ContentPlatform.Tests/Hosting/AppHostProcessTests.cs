using System.Diagnostics;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Tests.Infrastructure;

namespace ContentPlatform.Tests.Hosting;

// The AppHost as its own process, stopped the way a user or a machine would: SIGTERM, and SIGKILL, which no
// handler can intercept (DCP, which runs every resource, watches the AppHost and cleans up when it dies).
[Collection(RealProcesses.Name)]
public sealed class AppHostProcessTests
{
    [Theory]
    [InlineData(Signals.Term)]
    [InlineData(Signals.Kill)]
    public async Task Stopping_the_apphost_takes_every_process_of_the_system_with_it(int signal)
    {
        using var appHost = Start(AppHostUnderTest.NewStateDirectory(), out var output);
        IReadOnlyList<int> started = [];
        try
        {
            for (var attempt = 0; attempt < 2400 && !IsComplete(started); attempt++)
            {
                await Task.Delay(100);
                started = SystemProcesses(appHost.Id);
            }
            Assert.True(IsComplete(started), "The system did not start:\n" + Tail(output));
        }
        catch
        {
            appHost.Kill(entireProcessTree: true);
            throw;
        }

        Assert.Equal(0, Kill(appHost.Id, signal));
        await appHost.WaitForExitAsync();

        Assert.Empty(await ProcessTree.StillRunningAsync(started));
    }

    // DCP runs detached from the AppHost; it names the process it watches on its command line.
    private static IReadOnlyList<int> SystemProcesses(int appHostPid)
    {
        var dcp = Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ProcessTree.CommandLine(pid) is var command && command.Contains("dcp") && command.Contains($"--monitor {appHostPid}"))
            .ToList();
        return [.. ProcessTree.Descendants(appHostPid), .. dcp, .. dcp.SelectMany(ProcessTree.Descendants)];
    }

    private static bool IsComplete(IReadOnlyList<int> processes)
    {
        var commands = processes.Select(ProcessTree.CommandLine).ToList();
        return commands.Any(c => c.Contains("redis-server"))
            && commands.Any(c => c.Contains("postgres -D"))
            && commands.Count(c => Program(c) == "ContentPlatform.Api") == 1
            && commands.Count(c => Program(c) == "ContentPlatform.Worker") == 2;

        static string Program(string command) => Path.GetFileName(command.Split(' ')[0]);
    }

    private static Process Start(string stateDirectory, out List<string> output)
    {
        var startInfo = new ProcessStartInfo(DotnetHost,
            [Path.Combine(AppContext.BaseDirectory, "ContentPlatform.AppHost.dll"),
             $"--AppHost:StateDirectory={stateDirectory}", "--DcpPublisher:RandomizePorts=true"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // What launchSettings.json gives `dotnet run`, on free ports.
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Development";
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://localhost:{Ports.GetFree()}";
        startInfo.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{Ports.GetFree()}";
        startInfo.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{Ports.GetFree()}";
        startInfo.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        var process = Process.Start(startInfo)!;
        var lines = new List<string>();
        void Collect(object _, DataReceivedEventArgs e)
        {
            lock (lines)
            {
                lines.Add(e.Data ?? "");
            }
        }
        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return process;
    }

    private static string Tail(List<string> output)
    {
        lock (output)
        {
            return string.Join('\n', output.TakeLast(60));
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
