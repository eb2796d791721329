using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ContentPlatform.Hosting.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.Hosting;

// The AppHost's `production` launch profile, read from launchSettings.json and given to the app model as a user's
// `dotnet run --launch-profile production` would: the model is built and inspected, nothing is started.
public sealed class ProductionProfileTests
{
    [Fact]
    public async Task The_production_profile_runs_the_services_in_production_with_nothing_of_DCP_in_front_of_them()
    {
        var profile = LaunchProfile("production");
        await using var production = await ModelAsync(profile);
        await using var development = await ModelAsync(LaunchProfile("http"));

        var api = Project(production, "api");
        var worker = Project(production, "worker");
        Assert.All(new IResource[] { api, Resource(production, "postgres"), Resource(production, "redis") }, resource =>
            Assert.All(resource.Annotations.OfType<EndpointAnnotation>(), endpoint =>
            {
                Assert.False(endpoint.IsProxied, $"{resource.Name}'s {endpoint.Name} endpoint is behind DCP's proxy");
                Assert.Equal(endpoint.Port, endpoint.TargetPort);
            }));
        Assert.Equal(1, api.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1);
        foreach (var project in new[] { api, worker })
        {
            var environment = await EnvironmentAsync(production, project);
            Assert.Equal("Production", environment["ASPNETCORE_ENVIRONMENT"]);
            Assert.Equal("Production", environment["DOTNET_ENVIRONMENT"]);
            // No dashboard to send telemetry to, so no exporter spending CPU on sends that fail, and none of its settings.
            Assert.DoesNotContain(environment.Keys, key => key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal));
            Assert.DoesNotContain("OTEL_TRACES_SAMPLER", environment.Keys);
            Assert.Contains("OTEL_SERVICE_NAME", environment.Keys);
        }
        Assert.DoesNotContain(profile.Keys, key => key.StartsWith("ASPIRE_DASHBOARD_", StringComparison.Ordinal));

        // The developer's profile keeps DCP's proxy and the Development environment.
        var developmentApi = Project(development, "api");
        Assert.True(developmentApi.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").IsProxied);
        var developmentEnvironment = await EnvironmentAsync(development, developmentApi);
        Assert.Equal("Development", developmentEnvironment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", developmentEnvironment.Keys);
    }

    private static Dictionary<string, string> LaunchProfile(string name)
    {
        var settings = JsonNode.Parse(File.ReadAllText(
            Path.Combine(RepositoryLayout.Root(), "ContentPlatform.AppHost", "Properties", "launchSettings.json")))!;
        return settings["profiles"]![name]!["environmentVariables"]!.AsObject()
            .ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>());
    }

    // The profile's variables as the AppHost's settings (AppHost__Production → AppHost:Production).
    private static async Task<DistributedApplication> ModelAsync(Dictionary<string, string> profile)
    {
        string[] args = [.. profile.Select(pair => $"--{pair.Key.Replace("__", ":")}={pair.Value}"),
            $"--AppHost:StateDirectory={AppHostUnderTest.NewStateDirectory()}"];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ContentPlatform_AppHost>(args);
        return await builder.BuildAsync();
    }

    private static IResource Resource(DistributedApplication app, string name) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);

    private static ProjectResource Project(DistributedApplication app, string name) => (ProjectResource)Resource(app, name);

    // The plain values of the resource's environment as the AppHost would give it (references are left unresolved).
    private static async Task<Dictionary<string, object>> EnvironmentAsync(DistributedApplication app, IResourceWithEnvironment resource)
    {
        var context = new EnvironmentCallbackContext(
            app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), resource, new Dictionary<string, object>());
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables;
    }
}
