using ContentPlatform.Hosting.Servers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Hosting.Orchestration;

// Runs the application model: starts each resource once what it waits for is healthy, and on shutdown
// stops each resource only after everything that depends on it has stopped (projects, then Redis, then Postgres).
internal sealed class Orchestrator(
    ApplicationModel model,
    ResourceNotificationService notifications,
    ResourceLoggerService logs,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("ContentPlatform.AppHost");
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<IResource, ResourceRunner> _runners = [];
    private Task _startup = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var context = new RunnerContext(model, notifications, logs, _logger);
        _runners = model.Resources.Where(r => r is not ParameterResource).ToDictionary(r => r, context.CreateRunner);
        foreach (var runner in _runners.Values)
        {
            runner.PublishInitialState();
        }
        _logger.LogInformation("Starting {Resources}; state in {StateDirectory}", string.Join(", ", _runners.Keys.Select(r => r.Name)), model.StateDirectory);
        _startup = StartAllAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Stopping");
        await _stopping.CancelAsync();
        var stops = new Dictionary<IResource, Task>();
        Task StopAfterDependents(IResource resource)
        {
            if (!stops.TryGetValue(resource, out var stop))
            {
                stops[resource] = stop = StopAsync(resource);
            }
            return stop;
        }
        async Task StopAsync(IResource resource)
        {
            await Task.WhenAll(Dependents(resource).Select(StopAfterDependents));
            await _runners[resource].StopAsync();
        }
        await Task.WhenAll(_runners.Keys.Select(StopAfterDependents));
        await _startup;
        _logger.LogInformation("Stopped");
    }

    private IEnumerable<IResource> Dependents(IResource resource) => _runners.Keys.Where(other =>
        other is Resource r && r.WaitsFor.Contains(resource)
        || other is ProjectResource p && (p.ConnectionReferences.Contains(resource) || p.ServiceReferences.Contains(resource)));

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_runners.Values.Select(runner => StartWhenReadyAsync(runner, cancellationToken)));
        try
        {
            await Task.WhenAll(_runners.Keys.Select(r => notifications.WaitForResourceHealthyAsync(r.Name, cancellationToken)));
            var endpoints = _runners.Keys.OfType<ProjectResource>()
                .SelectMany(p => Enumerable.Range(0, p.Replicas).Select(i => $"{p.InstanceName(i)} {p.HttpEndpoint(i)}"));
            _logger.LogInformation("Everything is healthy: {Endpoints}. Ctrl+C stops it all.", string.Join(", ", endpoints));
        }
        catch (Exception ex) when (ex is OperationCanceledException or DistributedApplicationException)
        {
            // Stopping, or a resource failed and that failure has been reported already.
        }
    }

    private async Task StartWhenReadyAsync(ResourceRunner runner, CancellationToken cancellationToken)
    {
        var dependencies = runner.Resource.WaitsFor;
        try
        {
            if (dependencies.Count > 0)
            {
                _logger.LogInformation("{Resource} waits for {Dependencies}", runner.Resource.Name, string.Join(", ", dependencies.Select(d => d.Name)));
                await Task.WhenAll(dependencies.Select(d => notifications.WaitForResourceHealthyAsync(d.Name, cancellationToken)));
            }
        }
        catch (DistributedApplicationException ex)
        {
            runner.Fail($"not started: {ex.Message}");
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await runner.StartAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped before it was up.
        }
        catch (Exception ex)
        {
            runner.Fail(ex.Message);
            if (ex is DistributedApplicationException or ServerSetupException)
            {
                // Something the user can fix: the message says how; a stack trace would only hide it.
                Console.Error.WriteLine(ex.Message);
            }
            else
            {
                _logger.LogCritical(ex, "{Resource} failed to start", runner.Resource.Name);
            }
            lifetime.StopApplication();
        }
    }
}
