using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Hosting;

public static class RestartOnExitExtensions
{
    // Aspire does not restart an executable that dies. A resource marked with this is started again, through Aspire's
    // own Start command (the dashboard's Start button), when it exits while the AppHost runs; a stop asked for in the
    // dashboard, or the AppHost's shutdown, is left alone. The restarts and their reason show in the resource's console.
    public static IResourceBuilder<T> WithRestartOnExit<T>(this IResourceBuilder<T> builder) where T : ExecutableResource
    {
        builder.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExitedResourceRestarter>());
        return builder.WithAnnotation(new RestartOnExitAnnotation());
    }
}

public sealed class RestartOnExitAnnotation : IResourceAnnotation;

// Watches every resource's state; a marked one that goes from Running to Exited or Finished (killed, crashed) is started
// again after a back-off that doubles with each restart in the last ten minutes (1 s, 2 s, 4 s … at most a minute), so a
// server that cannot start does not spin.
internal sealed class ExitedResourceRestarter(
    ResourceNotificationService notifications, ResourceCommandService commands, ResourceLoggerService loggers,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, string?> _lastState = [];
    private readonly Dictionary<string, List<DateTime>> _restarts = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(stoppingToken))
            {
                if (!e.Resource.HasAnnotationOfType<RestartOnExitAnnotation>())
                {
                    continue;
                }
                var state = e.Snapshot.State?.Text;
                _lastState.TryGetValue(e.ResourceId, out var previous);
                _lastState[e.ResourceId] = state;
                if (previous == KnownResourceStates.Running && (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished)
                    && !lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    _ = RestartAsync(e.Resource, e.Snapshot.ExitCode, NextDelay(e.ResourceId), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    private TimeSpan NextDelay(string resourceId)
    {
        var now = DateTime.UtcNow;
        var recent = _restarts.TryGetValue(resourceId, out var list) ? list : _restarts[resourceId] = [];
        recent.RemoveAll(at => now - at > Window);
        recent.Add(now);
        var delay = TimeSpan.FromSeconds(Math.Pow(2, recent.Count - 1));
        return delay < MaxDelay ? delay : MaxDelay;
    }

    private async Task RestartAsync(IResource resource, int? exitCode, TimeSpan delay, CancellationToken stoppingToken)
    {
        var logger = loggers.GetLogger(resource);
        logger.LogWarning("{Resource} exited unexpectedly (exit code {ExitCode}); the AppHost starts it again in {Delay} s",
            resource.Name, exitCode?.ToString() ?? "unknown", delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, stoppingToken);
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stoppingToken);
            if (result.Success)
            {
                logger.LogInformation("{Resource} started again by the AppHost", resource.Name);
            }
            else
            {
                logger.LogError("The AppHost could not start {Resource} again: {Error}", resource.Name, result.Message);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }
}
