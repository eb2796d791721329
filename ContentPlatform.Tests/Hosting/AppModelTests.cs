using System.Net;
using System.Runtime.Versioning;
using ContentPlatform.Hosting;
using ContentPlatform.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Npgsql;
using StackExchange.Redis;

namespace ContentPlatform.Tests.Hosting;

// The AppHost's app model, built from its own Program but not started: what each project is given.
public sealed class AppModelTests
{
    [Fact]
    public async Task Api_receives_the_connection_strings_endpoints_and_telemetry_settings_aspire_injects()
    {
        await using var app = await AppHostUnderTest.BuildAsync(AppHostUnderTest.NewStateDirectory());
        var api = app.Project("api");
        var postgres = app.Model.Resources.OfType<PostgresServerResource>().Single();
        var redis = app.Model.Resources.OfType<RedisResource>().Single();

        var variables = api.GetEnvironmentVariables(0);
        var configuration = AsServiceConfiguration(variables);

        var database = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("contentdb"));
        Assert.Equal(("127.0.0.1", postgres.Port, "postgres", "contentdb"), (database.Host, database.Port, database.Username, database.Database));
        Assert.Equal(postgres.Password.Value, database.Password);
        var cache = ConfigurationOptions.Parse(configuration.GetConnectionString("redis")!);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, redis.Port), Assert.Single(cache.EndPoints));
        Assert.Equal(redis.Password.Value, cache.Password);

        Assert.Equal(api.HttpEndpoint(0), variables["ASPNETCORE_URLS"]);
        Assert.Equal("Development", variables["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("Development", variables["DOTNET_ENVIRONMENT"]);
        Assert.Equal("simple", variables["LOGGING__CONSOLE__FORMATTERNAME"]);
        Assert.Equal("api", variables["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=api-0", variables["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("1000", variables["OTEL_BSP_SCHEDULE_DELAY"]);
        Assert.Equal(app.Model.Resources.OfType<ParameterResource>().Single(p => p.Name == "jwt-key").Value, configuration["Jwt:Key"]);
    }

    [Fact]
    public async Task Each_worker_replica_has_its_own_port_and_instance_id_and_finds_the_api()
    {
        await using var app = await AppHostUnderTest.BuildAsync(AppHostUnderTest.NewStateDirectory());
        var api = app.Project("api");
        var worker = app.Project("worker");

        Assert.Equal(2, worker.Replicas);
        var replicas = Enumerable.Range(0, worker.Replicas).Select(worker.GetEnvironmentVariables).ToList();
        Assert.Equal(["service.instance.id=worker-0", "service.instance.id=worker-1"], replicas.Select(v => v["OTEL_RESOURCE_ATTRIBUTES"]));
        Assert.Equal(2, replicas.Select(v => v["ASPNETCORE_URLS"]).Distinct().Count());
        Assert.All(replicas, v => Assert.Equal(api.HttpEndpoint(0), v["services__api__http__0"]));
        Assert.All(replicas, v => Assert.Equal("worker", v["OTEL_SERVICE_NAME"]));
        Assert.All(replicas, v => Assert.DoesNotContain("Jwt__Key", v.Keys));
    }

    [Fact]
    public async Task User_settings_given_to_the_apphost_reach_the_services_and_nothing_else_does()
    {
        await using var app = await AppHostUnderTest.BuildAsync(AppHostUnderTest.NewStateDirectory(),
            "--WebsiteAnalysis:TimeoutSeconds=7",
            "--WebsiteAnalysis:Crawler:MaxPages=3",
            "--ConnectionStrings:ai=Endpoint=http://models.test/v1;Key=k;Model=m",
            "--OPENROUTER_MODEL=some/model",
            "--Jobs:GenerateContentDelaySeconds=0",
            "--SomethingElse=secret");

        foreach (var project in new[] { app.Project("api"), app.Project("worker") })
        {
            var configuration = AsServiceConfiguration(project.GetEnvironmentVariables(0));
            Assert.Equal("7", configuration["WebsiteAnalysis:TimeoutSeconds"]);
            Assert.Equal("3", configuration["WebsiteAnalysis:Crawler:MaxPages"]);
            Assert.Equal("Endpoint=http://models.test/v1;Key=k;Model=m", configuration.GetConnectionString("ai"));
            Assert.Equal("some/model", configuration["OPENROUTER_MODEL"]);
            Assert.Equal("0", configuration["Jobs:GenerateContentDelaySeconds"]);
            Assert.Null(configuration["SomethingElse"]);
        }
    }

    [Fact]
    public async Task Connection_strings_given_to_the_apphost_switch_postgres_and_redis_to_existing_servers()
    {
        const string existingDatabase = "Host=db.example;Port=6543;Username=app;Password=p;Database=content";
        const string existingRedis = "cache.example:6380,password=r";
        await using var app = await AppHostUnderTest.BuildAsync(AppHostUnderTest.NewStateDirectory(),
            $"--ConnectionStrings:contentdb={existingDatabase}", $"--ConnectionStrings:redis={existingRedis}");

        Assert.True(app.Model.Resources.OfType<PostgresServerResource>().Single().IsExisting);
        Assert.True(app.Model.Resources.OfType<PostgresDatabaseResource>().Single().IsExisting);
        Assert.True(app.Model.Resources.OfType<RedisResource>().Single().IsExisting);
        var variables = app.Project("api").GetEnvironmentVariables(0);
        Assert.Equal(existingDatabase, variables["ConnectionStrings__contentdb"]);
        Assert.Equal(existingRedis, variables["ConnectionStrings__redis"]);
    }

    [Fact]
    public async Task Without_connection_strings_postgres_and_redis_are_run_by_the_apphost()
    {
        await using var app = await AppHostUnderTest.BuildAsync(AppHostUnderTest.NewStateDirectory());

        Assert.All(app.Model.Resources.OfType<IResourceWithConnectionString>(), r => Assert.False(r.IsExisting));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Generated_secrets_are_kept_in_the_state_folder_for_the_owner_only_and_reused_by_the_next_run()
    {
        var state = AppHostUnderTest.NewStateDirectory();
        string first;
        await using (var app = await AppHostUnderTest.BuildAsync(state))
        {
            first = app.Project("api").GetEnvironmentVariables(0)["Jwt__Key"];
        }
        await using var again = await AppHostUnderTest.BuildAsync(state);

        Assert.Equal(first, again.Project("api").GetEnvironmentVariables(0)["Jwt__Key"]);
        Assert.True(first.Length >= 32, "an HMAC-SHA256 signing key needs at least 32 bytes");
        var parameters = Path.Combine(state, "parameters.json");
        Assert.Contains(first, await File.ReadAllTextAsync(parameters));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(parameters));
    }

    [Fact]
    public async Task A_parameter_given_in_configuration_is_used_instead_of_a_generated_one()
    {
        await using var app = await AppHostUnderTest.BuildAsync(AppHostUnderTest.NewStateDirectory(),
            "--Parameters:jwt-key=a-key-chosen-by-the-user-of-32-chars!");

        Assert.Equal("a-key-chosen-by-the-user-of-32-chars!", app.Project("api").GetEnvironmentVariables(0)["Jwt__Key"]);
    }

    [Fact]
    public async Task Replicas_cannot_share_a_fixed_port()
    {
        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() =>
            DistributedApplicationTestingBuilder.BuildAsync(AppHostUnderTest.Assembly,
                $"--AppHost:StateDirectory={AppHostUnderTest.NewStateDirectory()}", "--AppHost:Ports:worker=7000"));

        Assert.Contains("'worker' asks for port 7000 and 2 replicas", error.Message);
    }

    [Fact]
    public async Task A_port_given_in_configuration_replaces_the_declared_one()
    {
        await using var app = await DistributedApplicationTestingBuilder.BuildAsync(AppHostUnderTest.Assembly,
            $"--AppHost:StateDirectory={AppHostUnderTest.NewStateDirectory()}", "--AppHost:Ports:api=5999", "--AppHost:Ports:redis=6999");

        Assert.Equal("http://localhost:5999", app.Project("api").HttpEndpoint(0));
        Assert.Equal(6999, app.Model.Resources.OfType<RedisResource>().Single().Port);
        Assert.Equal(15432, app.Model.Resources.OfType<PostgresServerResource>().Single().Port);
    }

    // What the service's configuration makes of the variables, as its environment-variable provider would.
    private static IConfiguration AsServiceConfiguration(IReadOnlyDictionary<string, string> variables) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => KeyValuePair.Create(v.Key.Replace("__", ":"), (string?)v.Value)))
            .Build();
}
