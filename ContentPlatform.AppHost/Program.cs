var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres", port: 15432);
var db = postgres.AddDatabase("contentdb");
var redis = builder.AddRedis("redis", port: 16379);
var jwtKey = builder.AddParameter("jwt-key", secret: true);

// Settings the user gives the AppHost (environment, command line, user secrets) that the services read.
string[] userSettings =
[
    "ConnectionStrings:ai", "WebsiteAnalysis", "GenerateContent", "Jobs", "Cors", "OpenApi",
    "OPENROUTER_KEY", "OPENROUTER_MODEL", "BASE_URL",
];

var api = builder.AddProject("api", "../ContentPlatform.Api/ContentPlatform.Api.csproj")
    .WithHttpEndpoint(port: 5000)
    .WithReference(db).WaitFor(db)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Jwt__Key", jwtKey)
    .WithConfigurationFrom(builder.Configuration, userSettings);

builder.AddProject("worker", "../ContentPlatform.Worker/ContentPlatform.Worker.csproj")
    .WithReplicas(2)
    .WithReference(db).WaitFor(db)
    .WithReference(redis).WaitFor(redis)
    .WithReference(api)
    .WithConfigurationFrom(builder.Configuration, userSettings);

await builder.Build().RunAsync();
