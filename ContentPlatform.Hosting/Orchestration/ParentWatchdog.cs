using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Hosting.Orchestration;

// Our children die with us (parent-death signal); this makes us stop when whoever started us dies, e.g.
// `dotnet run` killed with SIGKILL, which cannot pass the signal on. The process is then re-parented.
internal sealed partial class ParentWatchdog(IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var parent = GetParentProcessId();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (GetParentProcessId() != parent)
            {
                loggerFactory.CreateLogger("ContentPlatform.AppHost").LogWarning("The process that started the AppHost ({ParentId}) has ended; stopping", parent);
                lifetime.StopApplication();
                return;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();
}
