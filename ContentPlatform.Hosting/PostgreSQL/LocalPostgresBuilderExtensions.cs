using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Hosting.PostgreSQL;

public static class LocalPostgresBuilderExtensions
{
    // PostgreSQL from the machine's binaries (Aspire's AddPostgres needs a container engine). Its cluster lives
    // in the state folder and is created on first start; the password is generated once and kept there too.
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, StateFolder state, int? port = null)
    {
        var bin = PostgresCluster.BinDirectory();
        var data = PostgresCluster.ResolveDataDirectory(state);
        var password = builder.AddStateSecret(state, $"{name}-password");
        var (command, prefix) = PostgresCluster.ServerCommand(bin);
        var postgres = new LocalPostgresResource(name, command, bin, password.Resource, data.Directory);

        string? connectionString = null;
        var healthCheckKey = $"{name}_check";
        // Without a database the postgres user's own database would be used, and it is not the one we create.
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException("Connection string is unavailable")) + ";Database=postgres",
            name: healthCheckKey);

        return builder.AddResource(postgres)
            .WithEndpoint(port: port, name: LocalPostgresResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var argument in prefix.Concat(PostgresCluster.ServerArguments(data.Directory, durable: true)))
                {
                    context.Args.Add(argument);
                }
                context.Args.Add(postgres.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .OnBeforeResourceStarted(async (resource, e, ct) =>
            {
                var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ContentPlatform.Hosting.PostgreSQL");
                if (data.Relocated)
                {
                    logger.LogInformation(
                        "PostgreSQL runs as the postgres user, who cannot reach {StateDirectory}; its data is kept in {DataDirectory} (the same on every start of this checkout).",
                        state.Path, data.Directory);
                }
                if (!PostgresCluster.IsInitialized(data.Directory))
                {
                    var resourceLogger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
                    var passwordValue = await resource.PasswordParameter.GetValueAsync(ct) ?? throw new InvalidOperationException("No password for PostgreSQL.");
                    await PostgresCluster.InitializeAsync(bin, data.Directory, passwordValue, line => resourceLogger.LogInformation("{Line}", line), ct);
                }
            })
            .OnConnectionStringAvailable(async (resource, _, ct) => connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct))
            .WithHealthCheck(healthCheckKey);
    }

    // A database on the server, created when the server is ready if it does not exist yet.
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresResource> builder, string name, string? databaseName = null)
    {
        databaseName ??= name;
        var database = new LocalPostgresDatabaseResource(name, databaseName, builder.Resource);

        string? connectionString = null;
        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("Connection string is unavailable"),
            name: healthCheckKey);

        // DCP runs the server, not the database: once the server is ready the database is created and reported
        // running, so its own health check starts and WaitFor(database) can complete.
        builder.OnResourceReady(async (server, e, ct) =>
        {
            var serverConnectionString = await server.ConnectionStringExpression.GetValueAsync(ct)
                ?? throw new InvalidOperationException("Connection string is unavailable");
            await PostgresCluster.CreateDatabaseIfMissingAsync(serverConnectionString, databaseName, ct);
            await e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        return builder.ApplicationBuilder.AddResource(database)
            .OnConnectionStringAvailable(async (resource, _, ct) => connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct))
            .WithHealthCheck(healthCheckKey);
    }
}
