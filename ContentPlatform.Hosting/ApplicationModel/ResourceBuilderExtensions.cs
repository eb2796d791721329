using Microsoft.Extensions.Configuration;

namespace ContentPlatform.Hosting;

public static class ResourceBuilderExtensions
{
    // The database is created on the server when missing. ConnectionStrings:{name} in the AppHost's
    // configuration makes it an existing database instead, and the server is then not started for it.
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        var existing = server.ApplicationBuilder.Configuration.GetConnectionString(name);
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource, existing);
        database.AddWaitFor(server.Resource);
        server.Resource.AddDatabase(database);
        return server.ApplicationBuilder.Add(database);
    }

    // ConnectionStrings__{name}
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<IResourceWithConnectionString> source)
    {
        project.Resource.AddReference(source.Resource);
        return project;
    }

    // services__{name}__http__{replica}, read by service discovery for http://{name}
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> service)
    {
        project.Resource.AddReference(service.Resource);
        return project;
    }

    public static IResourceBuilder<ProjectResource> WaitFor(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<IResource> dependency)
    {
        project.Resource.AddWaitFor(dependency.Resource);
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> project, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        project.Resource.Replicas = replicas;
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> project, int? port = null)
    {
        project.Resource.HttpPort = port;
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(
        this IResourceBuilder<ProjectResource> project, string name, string value)
    {
        project.Resource.AddEnvironment(variables => variables[name] = value);
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(
        this IResourceBuilder<ProjectResource> project, string name, IResourceBuilder<ParameterResource> parameter)
    {
        project.Resource.AddEnvironment(variables => variables[name] = parameter.Resource.Value);
        return project;
    }

    // Passes settings the user gives the AppHost (environment, command line, user secrets) on to the project
    // unchanged, like Aspire parameters: each key is a value ("OPENROUTER_KEY", "ConnectionStrings:ai") or a
    // whole section ("WebsiteAnalysis"). Keys that are not set are not passed.
    public static IResourceBuilder<ProjectResource> WithConfigurationFrom(
        this IResourceBuilder<ProjectResource> project, IConfiguration configuration, params string[] keys)
    {
        project.Resource.AddEnvironment(variables =>
        {
            foreach (var key in keys)
            {
                foreach (var (path, value) in configuration.GetSection(key).AsEnumerable())
                {
                    if (value is not null)
                    {
                        variables[path.Replace(":", "__")] = value;
                    }
                }
            }
        });
        return project;
    }
}
