using System.Reflection;
using System.Runtime.CompilerServices;
using ContentPlatform.Hosting.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Hosting;

// The built application: the declared resources and the host that runs them until Ctrl+C or SIGTERM.
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly IHost _host;

    internal DistributedApplication(IHost host, ApplicationModel model)
    {
        _host = host;
        Model = model;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static DistributedApplicationBuilder CreateBuilder(string[] args) =>
        new(args, Testing.BuildInterceptor.Current?.AppHostAssembly ?? Assembly.GetEntryAssembly()
            ?? throw new InvalidOperationException("The AppHost has no entry assembly."));

    public ApplicationModel Model { get; }
    public IServiceProvider Services => _host.Services;

    // Each resource's state, health and endpoints, and a way to wait for them.
    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    // Each resource instance's recent console output.
    public ResourceLoggerService ResourceLogs => Services.GetRequiredService<ResourceLoggerService>();

    public Task StartAsync(CancellationToken cancellationToken = default) => _host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    // Until Ctrl+C or SIGTERM; the exit code is 1 when a resource could not be started.
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var notifications = ResourceNotifications;
        await _host.RunAsync(cancellationToken);
        if (notifications.GetSnapshots().Any(s => s.State == ResourceState.Failed))
        {
            Environment.ExitCode = 1;
        }
    }

    public void Run() => RunAsync().GetAwaiter().GetResult();

    // A client for a project's first replica, like Aspire.Hosting.Testing's CreateHttpClient.
    public HttpClient CreateHttpClient(string resourceName)
    {
        var project = Model.Resources.OfType<ProjectResource>().SingleOrDefault(p => p.Name == resourceName)
            ?? throw new ArgumentException($"There is no project named '{resourceName}'.", nameof(resourceName));
        return new HttpClient { BaseAddress = new Uri(project.HttpEndpoint(0)) };
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}

public sealed class ApplicationModel(IReadOnlyList<IResource> resources, string stateDirectory)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;
    public string StateDirectory { get; } = stateDirectory;
}
