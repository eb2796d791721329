using ContentPlatform.Hosting.Processes;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Hosting.Orchestration;

internal sealed class ProjectRunner(ProjectResource project, RunnerContext context) : ResourceRunner(project)
{
    private readonly IReadOnlyList<ProjectReplica> _replicas =
        Enumerable.Range(0, project.Replicas).Select(i => new ProjectReplica(project, i, context)).ToList();

    public override void PublishInitialState()
    {
        foreach (var replica in _replicas)
        {
            replica.Instance.Update(s => s);
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(project.AssemblyPath))
        {
            throw new DistributedApplicationException(
                $"{project.Name}: {project.AssemblyPath} does not exist. Build it first: `dotnet run --project ContentPlatform.AppHost` " +
                "builds every project the AppHost references, or run `dotnet build` on the solution.");
        }
        for (var i = 0; i < project.Replicas; i++)
        {
            RunnerContext.EnsurePortFree(project.ReplicaPorts[i], project.InstanceName(i), project.Name);
        }
        foreach (var replica in _replicas)
        {
            replica.Start();
        }
        return Task.CompletedTask;
    }

    public override Task StopAsync() => Task.WhenAll(_replicas.Select(r => r.StopAsync()));

    public override void Fail(string error)
    {
        foreach (var replica in _replicas)
        {
            replica.Instance.Update(s => s with { State = ResourceState.Failed, Health = HealthStatus.Unhealthy, Error = error });
        }
    }
}

// One replica: runs `dotnet <dll>`, follows /alive and /health, and restarts the process when it exits
// unexpectedly, waiting longer after each quick crash.
internal sealed class ProjectReplica
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private static readonly TimeSpan StableRun = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly ProjectResource _project;
    private readonly int _replica;
    private readonly RunnerContext _context;
    private readonly string _name;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private ChildProcess? _process;
    private Task _loop = Task.CompletedTask;

    public ProjectReplica(ProjectResource project, int replica, RunnerContext context)
    {
        _project = project;
        _replica = replica;
        _context = context;
        _name = project.InstanceName(replica);
        Instance = new InstanceState(context.Notifications,
            new ResourceSnapshot(_name, project.Name, "Project") { Endpoints = [project.HttpEndpoint(replica)] });
    }

    public InstanceState Instance { get; }

    public void Start() => _loop = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        ChildProcess? process;
        lock (_gate)
        {
            _stopping.Cancel();
            process = _process;
        }
        if (process is { HasExited: false })
        {
            Instance.Update(s => s with { State = ResourceState.Stopping });
            await process.StopAsync(StopGrace);
        }
        await _loop;
        Instance.Update(InstanceState.Stopped);
    }

    private async Task RunAsync()
    {
        var quickCrashes = 0;
        while (true)
        {
            ChildProcess process;
            lock (_gate)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                try
                {
                    process = ChildProcess.Start(
                        new ChildProcessSpec(DotnetHost, [_project.AssemblyPath])
                        {
                            Environment = _project.GetEnvironmentVariables(_replica).ToDictionary(v => v.Key, string? (v) => v.Value),
                            WorkingDirectory = _project.ProjectDirectory,
                        },
                        line => _context.Logs.Add(_name, line));
                }
                catch (Exception ex)
                {
                    Instance.Update(s => s with { State = ResourceState.Failed, Health = HealthStatus.Unhealthy, Error = ex.Message });
                    _context.Logger.LogError(ex, "{Instance} could not be started", _name);
                    return;
                }
                _process = process;
            }
            var startedAt = DateTime.UtcNow;
            Instance.Update(s => s with { State = ResourceState.Starting, Health = HealthStatus.Unknown, ProcessId = process.Id, ExitCode = null });

            using (var monitoring = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                var health = FollowHealthAsync(monitoring.Token);
                await process.Exited;
                await monitoring.CancelAsync();
                await health;
            }
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            quickCrashes = DateTime.UtcNow - startedAt > StableRun ? 1 : quickCrashes + 1;
            var delay = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, quickCrashes - 1)));
            Instance.Update(s => s with { State = ResourceState.Exited, Health = HealthStatus.Unhealthy, ExitCode = process.ExitCode });
            _context.Logger.LogWarning("{Instance} exited with code {ExitCode}; restarting it in {Delay} s", _name, process.ExitCode, delay.TotalSeconds);
            Instance.Update(s => s with { State = ResourceState.Restarting, Restarts = s.Restarts + 1 });
            try
            {
                await Task.Delay(delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // /alive answering means the process serves (Running); /health then says whether its dependencies answer.
    private async Task FollowHealthAsync(CancellationToken cancellationToken)
    {
        var endpoint = _project.HttpEndpoint(_replica);
        try
        {
            while (true)
            {
                var alive = await AnswersOkAsync($"{endpoint}/alive", cancellationToken);
                var health = alive && await AnswersOkAsync($"{endpoint}/health", cancellationToken) ? HealthStatus.Healthy : HealthStatus.Unhealthy;
                var current = Instance.Current;
                if ((alive || current.State == ResourceState.Running) && (current.State != ResourceState.Running || current.Health != health))
                {
                    Instance.Update(s => s with { State = ResourceState.Running, Health = health });
                    _context.Logger.Log(health == HealthStatus.Healthy ? LogLevel.Information : LogLevel.Warning,
                        "{Instance} is {Health} at {Endpoint}", _name, health, endpoint);
                }
                var interval = health == HealthStatus.Healthy ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(500);
                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The process exited or we are stopping.
        }
    }

    private static async Task<bool> AnswersOkAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // The same dotnet that runs the AppHost, so projects run on the SDK/runtime it was built with.
    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath
        : "dotnet";
}
