using System.Reflection;
using System.Security.Cryptography;
using ContentPlatform.Hosting.Orchestration;
using ContentPlatform.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Hosting;

// Declares the application: its resources and the references between them. Build() hands the
// declaration to the orchestrator that runs it.
public sealed class DistributedApplicationBuilder
{
    private readonly HostApplicationBuilder _host;
    private readonly AppHostInfo _appHost;
    private readonly List<Resource> _resources = [];
    private readonly StateStore _state;
    private readonly bool _randomizePorts;
    private readonly bool _isTesting;

    internal DistributedApplicationBuilder(string[] args, Assembly appHostAssembly)
    {
        var interceptor = BuildInterceptor.Current;
        _isTesting = interceptor is not null;
        _appHost = AppHostInfo.From(appHostAssembly);
        _host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. args, .. interceptor?.Args ?? []],
            ApplicationName = appHostAssembly.GetName().Name,
            ContentRootPath = _appHost.ProjectDirectory,
            // The AppHost is a development tool: Development also turns on user secrets.
            EnvironmentName = System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Development,
        });

        StateDirectory = Path.GetFullPath(Configuration["AppHost:StateDirectory"]
            ?? Path.Combine(_appHost.ProjectDirectory, "..", ".state"));
        _state = new StateStore(StateDirectory);
        _randomizePorts = Configuration.GetValue<bool>("AppHost:RandomizePorts");
        if (!_isTesting)
        {
            AppDomain.CurrentDomain.UnhandledException += ExitWithMessage;
        }
    }

    // A declaration the user must fix (e.g. a missing connection string) ends Program with its message, not a stack trace.
    private static void ExitWithMessage(object sender, UnhandledExceptionEventArgs e)
    {
        if (e.ExceptionObject is DistributedApplicationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            System.Environment.Exit(1);
        }
    }

    public ConfigurationManager Configuration => _host.Configuration;
    public IHostEnvironment Environment => _host.Environment;
    public string StateDirectory { get; }
    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<ParameterResource> AddParameter(string name, bool secret = false) =>
        Add(CreateParameter(name, secret));

    public IResourceBuilder<PostgresServerResource> AddPostgres(string name, int? port = null)
    {
        var password = AddParameter($"{name}-password", secret: true);
        return Add(new PostgresServerResource(name, ResolvePort(name, port), password.Resource));
    }

    public IResourceBuilder<RedisResource> AddRedis(string name, int? port = null)
    {
        var password = AddParameter($"{name}-password", secret: true);
        return Add(new RedisResource(name, ResolvePort(name, port), password.Resource, Configuration.GetConnectionString(name)));
    }

    public IResourceBuilder<ConnectionStringResource> AddConnectionString(string name) =>
        Add(new ConnectionStringResource(name, Configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new DistributedApplicationException(
                $"The connection string '{name}' is not configured. Set ConnectionStrings__{name} in the AppHost's environment, " +
                $"pass --ConnectionStrings:{name}=... on its command line, or keep it in its user secrets.")));

    // projectPath is relative to the AppHost project's folder, as a ProjectReference would be.
    public IResourceBuilder<ProjectResource> AddProject(string name, string projectPath)
    {
        var fullPath = Path.GetFullPath(Path.Combine(_appHost.ProjectDirectory, projectPath));
        var assemblyName = Path.GetFileNameWithoutExtension(fullPath);
        var assemblyPath = Path.Combine(Path.GetDirectoryName(fullPath)!, "bin", _appHost.Configuration, _appHost.TargetFramework, assemblyName + ".dll");
        return Add(new ProjectResource(name, fullPath, assemblyPath));
    }

    internal IResourceBuilder<T> Add<T>(T resource) where T : Resource
    {
        if (_resources.Any(existing => existing.Name == resource.Name))
        {
            throw new DistributedApplicationException($"A resource named '{resource.Name}' is already declared.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    public DistributedApplication Build()
    {
        foreach (var project in _resources.OfType<ProjectResource>())
        {
            var fixedPort = FixedPort(project.Name, project.HttpPort);
            if (fixedPort is not null && project.Replicas > 1)
            {
                throw new DistributedApplicationException(
                    $"'{project.Name}' asks for port {fixedPort} and {project.Replicas} replicas; replicas cannot share a port (there is no proxy).");
            }
            project.ReplicaPorts = Enumerable.Range(0, project.Replicas).Select(_ => fixedPort ?? Ports.GetFree()).ToList();
        }

        _host.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(90));
        _host.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        _host.Logging.ClearProviders();
        if (!_isTesting)
        {
            _host.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
            });
        }

        var model = new ApplicationModel(_resources, StateDirectory);
        _host.Services.AddSingleton(model);
        _host.Services.AddSingleton<ResourceNotificationService>();
        _host.Services.AddSingleton(new ResourceLoggerService(_isTesting ? null : new ResourceConsole(model)));
        _host.Services.AddHostedService<Orchestrator>();
        if (!_isTesting)
        {
            _host.Services.AddHostedService<ParentWatchdog>();
        }

        var app = new DistributedApplication(_host.Build(), model);
        BuildInterceptor.Current?.Intercept(app);
        return app;
    }

    private ParameterResource CreateParameter(string name, bool secret) =>
        new(name, secret, () => Configuration[$"Parameters:{name}"] is { Length: > 0 } configured
            ? configured
            : _state.GetOrCreateParameter(name, GenerateSecret));

    // Tests ask for free ports everywhere; otherwise AppHost:Ports:{name}, then the declared port, then a free one.
    private int ResolvePort(string name, int? declared) => FixedPort(name, declared) ?? Ports.GetFree();

    private int? FixedPort(string name, int? declared) =>
        _randomizePorts ? null : Configuration.GetValue<int?>($"AppHost:Ports:{name}") ?? declared;

    // Letters and digits only, so the value is safe inside connection strings and URLs.
    private static string GenerateSecret() =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40);
}

public interface IResourceBuilder<out T> where T : IResource
{
    T Resource { get; }
    DistributedApplicationBuilder ApplicationBuilder { get; }
}

internal sealed record ResourceBuilder<T>(T Resource, DistributedApplicationBuilder ApplicationBuilder) : IResourceBuilder<T>
    where T : IResource;

// Problems the user can fix (a missing build, a port in use, a missing setting): printed as a message, not a stack trace.
public sealed class DistributedApplicationException(string message) : Exception(message);
