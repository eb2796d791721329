using ContentPlatform.Hosting.Servers;

namespace ContentPlatform.Hosting;

public interface IResource
{
    string Name { get; }
}

// A resource others reference by connection string: they receive it as ConnectionStrings__{Name}.
public interface IResourceWithConnectionString : IResource
{
    string ConnectionString { get; }

    // Given to the AppHost through ConnectionStrings:{Name}: a server someone else runs, so nothing is started.
    bool IsExisting { get; }
}

public abstract class Resource(string name) : IResource
{
    private readonly List<IResource> _waitsFor = [];

    public string Name { get; } = name;

    // What must be healthy before this resource starts.
    public IReadOnlyList<IResource> WaitsFor => _waitsFor;

    internal void AddWaitFor(IResource dependency)
    {
        if (!_waitsFor.Contains(dependency))
        {
            _waitsFor.Add(dependency);
        }
    }
}

// A value the services need but the repository must not hold: from configuration (Parameters:{name}),
// or generated once and kept in the state folder.
public sealed class ParameterResource : Resource
{
    private readonly Lazy<string> _value;

    internal ParameterResource(string name, bool secret, Func<string> resolve) : base(name)
    {
        Secret = secret;
        _value = new Lazy<string>(resolve);
    }

    public bool Secret { get; }
    public string Value => _value.Value;
}

public sealed class PostgresServerResource(string name, int port, ParameterResource password) : Resource(name), IResourceWithConnectionString
{
    private readonly List<PostgresDatabaseResource> _databases = [];

    public int Port { get; } = port;
    public ParameterResource Password { get; } = password;
    public IReadOnlyList<PostgresDatabaseResource> Databases => _databases;

    // Nothing to start when every database it holds is an existing one.
    public bool IsExisting => _databases.Count > 0 && _databases.All(database => database.IsExisting);
    public string ConnectionString => PostgresServer.ConnectionStringFor(Port, Password.Value);

    internal void AddDatabase(PostgresDatabaseResource database) => _databases.Add(database);
}

public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server, string? existingConnectionString)
    : Resource(name), IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;
    public PostgresServerResource Server { get; } = server;
    public bool IsExisting => existingConnectionString is not null;
    public string ConnectionString => existingConnectionString ?? $"{Server.ConnectionString};Database={DatabaseName}";
}

public sealed class RedisResource(string name, int port, ParameterResource password, string? existingConnectionString)
    : Resource(name), IResourceWithConnectionString
{
    public int Port { get; } = port;
    public ParameterResource Password { get; } = password;
    public bool IsExisting => existingConnectionString is not null;
    public string ConnectionString => existingConnectionString ?? RedisServer.ConnectionStringFor(Port, Password.Value);
}

// Aspire's AddConnectionString: a connection string from the AppHost's configuration, passed on as it is.
public sealed class ConnectionStringResource(string name, string connectionString) : Resource(name), IResourceWithConnectionString
{
    public string ConnectionString { get; } = connectionString;
    public bool IsExisting => true;
}

// A .NET project run from its build output (`dotnet <dll>`), as one or more replicas.
public sealed class ProjectResource(string name, string projectPath, string assemblyPath) : Resource(name)
{
    private readonly List<IResourceWithConnectionString> _connectionReferences = [];
    private readonly List<ProjectResource> _serviceReferences = [];
    private readonly List<Action<IDictionary<string, string>>> _environment = [];

    public string ProjectPath { get; } = projectPath;
    public string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!;
    public string AssemblyPath { get; } = assemblyPath;
    public int Replicas { get; internal set; } = 1;

    // The port asked for with WithHttpEndpoint; without one each replica gets a free port.
    public int? HttpPort { get; internal set; }

    // Each replica's port, fixed when the app is built so endpoints stay the same across restarts.
    public IReadOnlyList<int> ReplicaPorts { get; internal set; } = [];

    public IReadOnlyList<IResourceWithConnectionString> ConnectionReferences => _connectionReferences;
    public IReadOnlyList<ProjectResource> ServiceReferences => _serviceReferences;

    public string InstanceName(int replica) => $"{Name}-{replica}";
    public string HttpEndpoint(int replica) => $"http://localhost:{ReplicaPorts[replica]}";

    // Exactly what an Aspire AppHost injects into a project (ASPIRE-CONVENTIONS.md), then this project's own settings.
    public IReadOnlyDictionary<string, string> GetEnvironmentVariables(int replica)
    {
        var variables = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = HttpEndpoint(replica),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["LOGGING__CONSOLE__FORMATTERNAME"] = "simple",
            ["OTEL_SERVICE_NAME"] = Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={InstanceName(replica)}",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_TRACES_SAMPLER"] = "always_on",
        };
        foreach (var reference in _connectionReferences)
        {
            variables[$"ConnectionStrings__{reference.Name}"] = reference.ConnectionString;
        }
        foreach (var service in _serviceReferences)
        {
            for (var i = 0; i < service.Replicas; i++)
            {
                variables[$"services__{service.Name}__http__{i}"] = service.HttpEndpoint(i);
            }
        }
        foreach (var addTo in _environment)
        {
            addTo(variables);
        }
        return variables;
    }

    internal void AddReference(IResourceWithConnectionString resource)
    {
        if (!_connectionReferences.Contains(resource))
        {
            _connectionReferences.Add(resource);
        }
    }

    internal void AddReference(ProjectResource service)
    {
        if (!_serviceReferences.Contains(service))
        {
            _serviceReferences.Add(service);
        }
    }

    // Evaluated each time a replica starts, so values such as generated parameters are read when needed.
    internal void AddEnvironment(Action<IDictionary<string, string>> addTo) => _environment.Add(addTo);
}
