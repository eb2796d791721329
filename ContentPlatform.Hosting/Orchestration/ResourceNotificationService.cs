using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ContentPlatform.Hosting;

public enum ResourceState
{
    Waiting,     // for what it waits for to be healthy
    Starting,
    Running,
    Exited,      // crashed; a project is then Restarting
    Restarting,
    Stopping,
    Stopped,
    Failed,      // could not start; see its logs
}

public enum HealthStatus
{
    Unknown,
    Healthy,
    Unhealthy,
}

// One running instance of a resource: "postgres", "contentdb", "api-0", "worker-1".
public sealed record ResourceSnapshot(string Name, string ResourceName, string Type)
{
    public ResourceState State { get; init; } = ResourceState.Waiting;
    public HealthStatus Health { get; init; } = HealthStatus.Unknown;
    public bool IsExisting { get; init; }
    public int? ProcessId { get; init; }
    public int? ExitCode { get; init; }
    public int Restarts { get; init; }
    public IReadOnlyList<string> Endpoints { get; init; } = [];
    public string? Error { get; init; }
}

// The live state of every resource instance, for waiting on (tests, WaitFor) and watching (a dashboard).
public sealed class ResourceNotificationService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ResourceSnapshot> _snapshots = [];
    private readonly List<Channel<ResourceSnapshot>> _watchers = [];

    public IReadOnlyList<ResourceSnapshot> GetSnapshots()
    {
        lock (_gate)
        {
            return [.. _snapshots.Values];
        }
    }

    public ResourceSnapshot? GetSnapshot(string instanceName)
    {
        lock (_gate)
        {
            return _snapshots.GetValueOrDefault(instanceName);
        }
    }

    // Every current snapshot, then each change as it happens.
    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ResourceSnapshot>();
        lock (_gate)
        {
            foreach (var snapshot in _snapshots.Values)
            {
                channel.Writer.TryWrite(snapshot);
            }
            _watchers.Add(channel);
        }
        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return snapshot;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    // Healthy means every instance of the resource (every replica) is running and healthy.
    public Task WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, s => s.State == ResourceState.Running && s.Health == HealthStatus.Healthy, cancellationToken);

    public async Task WaitForResourceAsync(string resourceName, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default)
    {
        await foreach (var _ in WatchAsync(cancellationToken))
        {
            var instances = GetSnapshots().Where(s => s.ResourceName == resourceName).ToList();
            if (instances.FirstOrDefault(s => s.State == ResourceState.Failed) is { } failed)
            {
                throw new DistributedApplicationException($"{failed.Name} failed to start: {failed.Error}");
            }
            if (instances.Count > 0 && instances.All(predicate))
            {
                return;
            }
        }
    }

    internal void Publish(ResourceSnapshot snapshot)
    {
        lock (_gate)
        {
            _snapshots[snapshot.Name] = snapshot;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(snapshot);
            }
        }
    }
}
