using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Hosting.Redis;

public static class LocalRedisBuilderExtensions
{
    // Redis from the machine's redis-server (Aspire's AddRedis needs a container engine), with its
    // append-only file in the state folder.
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, StateFolder state, int? port = null)
    {
        var password = builder.AddStateSecret(state, $"{name}-password");
        var redis = new LocalRedisResource(name, RedisServerConfig.ServerProgram(), password.Resource, Path.Combine(state.Path, "redis"));

        string? connectionString = null;
        var healthCheckKey = $"{name}_check";
        // A Redis still loading a large append-only file answers LOADING: the check fails and dependants
        // keep waiting, as for any resource still starting.
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("Connection string is unavailable"),
            name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(port: port, name: LocalRedisResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add(redis.ConfigFile);
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .OnBeforeResourceStarted(async (resource, _, ct) =>
            {
                var passwordValue = await resource.PasswordParameter.GetValueAsync(ct) ?? throw new InvalidOperationException("No password for Redis.");
                RedisServerConfig.Write(resource.DataDirectory, passwordValue, durable: true);
            })
            .OnConnectionStringAvailable(async (resource, _, ct) => connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct))
            .WithHealthCheck(healthCheckKey);
    }
}
