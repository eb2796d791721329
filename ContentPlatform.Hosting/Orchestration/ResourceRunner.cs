using ContentPlatform.Hosting.Processes;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Hosting.Orchestration;

internal sealed record RunnerContext(
    ApplicationModel Model, ResourceNotificationService Notifications, ResourceLoggerService Logs, ILogger Logger)
{
    public ResourceRunner CreateRunner(IResource resource) => resource switch
    {
        PostgresServerResource postgres => new PostgresServerRunner(postgres, this),
        PostgresDatabaseResource database => new PostgresDatabaseRunner(database, this),
        RedisResource redis => new RedisRunner(redis, this),
        ConnectionStringResource connectionString => new ConnectionStringRunner(connectionString, this),
        ProjectResource project => new ProjectRunner(project, this),
        _ => throw new NotSupportedException($"No runner for {resource.GetType().Name} '{resource.Name}'."),
    };

    public static void EnsurePortFree(int port, string instanceName, string resourceName)
    {
        if (!Ports.IsFree(port))
        {
            throw new DistributedApplicationException(
                $"Port {port}, which {instanceName} needs, is in use (is another AppHost running?). Stop what uses it, " +
                $"or give {resourceName} another port: AppHost__Ports__{resourceName}=<port>.");
        }
    }
}

internal abstract class ResourceRunner(Resource resource)
{
    public Resource Resource { get; } = resource;

    public abstract void PublishInitialState();

    // Returns once the resource has started; health is then followed in its snapshots.
    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task StopAsync();

    public abstract void Fail(string error);
}

// One instance's snapshot, changed under a lock so that every change is published in order.
internal sealed class InstanceState(ResourceNotificationService notifications, ResourceSnapshot initial)
{
    private readonly Lock _gate = new();
    private ResourceSnapshot _current = initial;

    public ResourceSnapshot Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    // A failure stays visible after the stop it caused.
    public static ResourceSnapshot Stopped(ResourceSnapshot snapshot) => snapshot.State == ResourceState.Failed
        ? snapshot
        : snapshot with { State = ResourceState.Stopped, Health = HealthStatus.Unknown };

    public void Update(Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        lock (_gate)
        {
            _current = change(_current);
            notifications.Publish(_current);
        }
    }
}

// A resource with a single instance: a server we run (or an existing one), a database, a connection string.
internal abstract class SingleInstanceRunner : ResourceRunner
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);
    protected static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stopping = new();
    private Task _monitor = Task.CompletedTask;

    protected SingleInstanceRunner(Resource resource, string type, bool isExisting, IReadOnlyList<string> endpoints, RunnerContext context)
        : base(resource)
    {
        Context = context;
        Instance = new InstanceState(context.Notifications,
            new ResourceSnapshot(resource.Name, resource.Name, type) { IsExisting = isExisting, Endpoints = endpoints });
    }

    protected RunnerContext Context { get; }
    protected InstanceState Instance { get; }
    protected Action<string> Output => line => Context.Logs.Add(Resource.Name, line);

    public override void PublishInitialState() => Instance.Update(s => s);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Instance.Update(s => s with { State = ResourceState.Starting });
        var process = Instance.Current.IsExisting ? null : await StartCoreAsync(cancellationToken);
        if (Instance.Current.IsExisting)
        {
            await WaitUntilHealthyAsync(cancellationToken);
        }
        Instance.Update(s => s with { State = ResourceState.Running, Health = HealthStatus.Healthy, ProcessId = process?.Id });
        Context.Logger.LogInformation("{Resource} is healthy{Existing}", Resource.Name, Instance.Current.IsExisting ? " (existing)" : "");
        if (process is not null)
        {
            _ = process.Exited.ContinueWith(_ => OnExited(process), TaskScheduler.Default);
        }
        _monitor = MonitorAsync(_stopping.Token);
    }

    public override async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _monitor;
        if (Instance.Current.State == ResourceState.Running)
        {
            Instance.Update(s => s with { State = ResourceState.Stopping });
            await StopCoreAsync();
        }
        Instance.Update(InstanceState.Stopped);
    }

    public override void Fail(string error) =>
        Instance.Update(s => s with { State = ResourceState.Failed, Health = HealthStatus.Unhealthy, Error = error });

    protected static IReadOnlyList<string> ServerEndpoints(bool isExisting, int port) => isExisting ? [] : [$"tcp://127.0.0.1:{port}"];

    // Checks that a server of ours can have its port; returns the folder its data lives in.
    protected string PrepareServer(int port)
    {
        RunnerContext.EnsurePortFree(port, Resource.Name, Resource.Name);
        return Path.Combine(Context.Model.StateDirectory, Resource.Name);
    }

    // Starts what we run; returns its process, if it has one.
    protected abstract Task<ChildProcess?> StartCoreAsync(CancellationToken cancellationToken);

    protected abstract Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    protected virtual Task StopCoreAsync() => Task.CompletedTask;

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        while (!await CheckAsync(cancellationToken))
        {
            Context.Logger.LogWarning("{Resource}: the existing server does not answer yet; retrying", Resource.Name);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(CheckInterval, cancellationToken);
                var health = await CheckAsync(cancellationToken) ? HealthStatus.Healthy : HealthStatus.Unhealthy;
                var current = Instance.Current;
                if (current.State == ResourceState.Running && current.Health != health)
                {
                    Instance.Update(s => s with { Health = health });
                    Context.Logger.Log(health == HealthStatus.Healthy ? LogLevel.Information : LogLevel.Warning,
                        "{Resource} is {Health}", Resource.Name, health);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            return await IsHealthyAsync(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void OnExited(ChildProcess process)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        Instance.Update(s => s with { State = ResourceState.Exited, Health = HealthStatus.Unhealthy, ExitCode = process.ExitCode });
        Context.Logger.LogError("{Resource} exited with code {ExitCode}; see its output above", Resource.Name, process.ExitCode);
    }
}
