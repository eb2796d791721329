using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace ContentPlatform.AppHost;

// The `production` launch profile (AppHost:Production=true): the same app model with the services as they are
// deployed, to measure them. Production environment (so Production logging and ServiceDefaults' sampled traces),
// no dashboard, and nothing of DCP's between a client and the Api or between the services and their servers:
// each of those binds its port itself, as a Container App and managed servers do.
internal static class ProductionRun
{
    public const string Setting = "AppHost:Production";

    public readonly record struct ServicePorts(int Api, int Postgres, int Redis);

    public static bool IsRequested(string[] args) =>
        new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build().GetValue<bool>(Setting);

    // AppHost:ApiPort, AppHost:PostgresPort, AppHost:RedisPort: so a second system (a benchmark's) can run beside one on
    // the usual ports.
    public static ServicePorts Ports(IConfiguration configuration) => new(
        configuration.GetValue("AppHost:ApiPort", 5000),
        configuration.GetValue("AppHost:PostgresPort", 15432),
        configuration.GetValue("AppHost:RedisPort", 16379));

    // A process that binds its endpoint's port itself; only possible with one replica.
    public static IResourceBuilder<T> WithoutProxyWhen<T>(this IResourceBuilder<T> resource, bool production)
        where T : IResourceWithEndpoints
    {
        if (production)
        {
            foreach (var endpoint in resource.Resource.Annotations.OfType<EndpointAnnotation>())
            {
                endpoint.IsProxied = false;
                endpoint.TargetPort = endpoint.Port;
            }
        }
        return resource;
    }

    // After the project's launch profile, whose ASPNETCORE_ENVIRONMENT (Development) this overrides. Aspire gives every
    // project its dashboard's telemetry settings even when there is no dashboard: the OTLP address (with no collector
    // there, exports fail and are retried on the service's CPU), one-second export intervals, exemplars, prompt
    // contents in spans. None of that is deployed, so only the service's name and instance are kept (ServiceDefaults
    // then adds no exporter).
    public static IResourceBuilder<ProjectResource> InProductionWhen(this IResourceBuilder<ProjectResource> project, bool production) =>
        production
            ? project.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production").WithEnvironment("DOTNET_ENVIRONMENT", "Production")
                .WithEnvironment(context =>
                {
                    foreach (var name in context.EnvironmentVariables.Keys.Where(IsDashboardTelemetrySetting).ToList())
                    {
                        context.EnvironmentVariables.Remove(name);
                    }
                })
            : project;

    private static bool IsDashboardTelemetrySetting(string name) =>
        name.StartsWith("OTEL_", StringComparison.Ordinal) && name is not ("OTEL_SERVICE_NAME" or "OTEL_RESOURCE_ATTRIBUTES");
}
