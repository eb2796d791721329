using Microsoft.Extensions.Configuration;
using ContentPlatform.Hosting;
using ContentPlatform.Hosting.PostgreSQL;
using ContentPlatform.Hosting.Redis;

namespace ContentPlatform.AppHost;

// A class of its own rather than top-level statements: the tests reference both this and the Api, and two
// global Program classes would clash.
internal static class AppHostProgram
{
    public static void Main(string[] args)
    {
        // Read before the builder exists: whether there is a dashboard is an option of the builder itself.
        var production = ProductionRun.IsRequested(args);
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = production });
        var isPublishing = builder.ExecutionContext.IsPublishMode;
        var state = StateFolder.For(builder);
        var ports = ProductionRun.Ports(builder.Configuration);

        // Locally PostgreSQL and Redis run from the machine's binaries, their data in the state folder, and are started
        // again when they die. Deployed, or given ConnectionStrings__contentdb / ConnectionStrings__redis, they are existing servers.
        var contentDb = UsesExistingServer("contentdb")
            ? builder.AddConnectionString("contentdb")
            : builder.AddLocalPostgres("postgres", state, port: ports.Postgres).WithoutProxyWhen(production).WithRestartOnExit()
                .AddDatabase("contentdb");
        var redis = UsesExistingServer("redis")
            ? builder.AddConnectionString("redis")
            : builder.AddLocalRedis("redis", state, port: ports.Redis).WithoutProxyWhen(production).WithRestartOnExit();

        var jwtKey = isPublishing ? builder.AddParameter("jwt-key", secret: true) : builder.AddStateSecret(state, "jwt-key");

        // Settings the user gives the AppHost (environment, command line, user secrets) that the services read.
        string[] userSettings =
        [
            "ConnectionStrings:ai", "WebsiteAnalysis", "GenerateContent", "Jobs", "Timeouts", "Cors", "ContentApi", "OpenApi",
            "RateLimiting", "Telemetry", "OPENROUTER_KEY", "OPENROUTER_MODEL", "BASE_URL", "CONTENT_API_SECRET",
        ];

        var api = builder.AddProject<Projects.ContentPlatform_Api>("api")
            .WithEndpoint("http", endpoint => endpoint.Port = isPublishing ? null : ports.Api)
            .WithoutProxyWhen(production)
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health")
            .WithReference(contentDb).WaitFor(contentDb)
            .WithReference(redis).WaitFor(redis)
            .WithEnvironment("Jwt__Key", jwtKey)
            // Server GC sizes gen0 from the processor's cache; on these machines that was about 14 MB per heap, so a status
            // poll load of 20,000 req/s paused the Api for a GC ten times a second (2–4 ms each, however little survived).
            // 64 MB per heap: about one pause a second, 5 ms (README "Performance: the HTTP hot paths"). The runtime reads
            // this setting from the environment only, not from runtimeconfig.json.
            .WithEnvironment("DOTNET_GCgen0size", "0x4000000")
            .WithSettingsFrom(builder.Configuration, userSettings)
            .InProductionWhen(production);

        // AppHost:WorkerReplicas=0 runs no Worker: jobs are queued and wait (the http benchmark measures enqueues alone).
        var workerReplicas = builder.Configuration.GetValue("AppHost:WorkerReplicas", 2);
        var worker = workerReplicas == 0 ? null : builder.AddProject<Projects.ContentPlatform_Worker>("worker")
            .WithReplicas(workerReplicas)
            .WithHttpHealthCheck("/health")
            .WithReference(contentDb).WaitFor(contentDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(api)
            .WithSettingsFrom(builder.Configuration, userSettings)
            .InProductionWhen(production);

        if (isPublishing)
        {
            // The model's connection string, optional (empty: the offline generator answers).
            var ai = builder.AddParameter("ai", secret: true);
            api.WithEnvironment("ConnectionStrings__ai", ai);
            worker?.WithEnvironment("ConnectionStrings__ai", ai);
        }

        builder.Build().Run();

        bool UsesExistingServer(string connectionName) =>
            isPublishing || builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 };
    }
}
