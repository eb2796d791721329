using System.Text.Json.Nodes;

namespace ContentPlatform.Tests.Deployment;

// The AppHost in publish mode writes Aspire's manifest describing what runs in Azure: the two projects, the
// managed PostgreSQL and Redis as connection strings the deployment supplies, secrets as secret parameters,
// and none of the local executables (azd cannot deploy those).
public sealed class ManifestTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Manifest_describes_the_deployed_app_model()
    {
        var folder = Directory.CreateTempSubdirectory("contentplatform-manifest-");
        try
        {
            var manifestPath = Path.Combine(folder.FullName, "aspire-manifest.json");
            // The README's command, on the build the tests run from. State and ports are kept off the
            // defaults in case a non-publishing AppHost starts servers instead of writing the manifest.
            var run = await Processes.RunAsync("dotnet",
                ["run", "--project", "ContentPlatform.AppHost", "--no-build", "-c", DeploymentLayout.BuildConfiguration,
                 "--", "--publisher", "manifest", "--output-path", manifestPath],
                PublishTimeout,
                new Dictionary<string, string>
                {
                    ["AppHost__StateDirectory"] = folder.FullName,
                    ["AppHost__RandomizePorts"] = "true",
                });
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.True(File.Exists(manifestPath), $"no manifest at {manifestPath}\n{run}");

            var resources = JsonNode.Parse(File.ReadAllText(manifestPath))!["resources"]!.AsObject();

            Assert.DoesNotContain(resources, r => r.Value!["type"]!.GetValue<string>() == "executable.v0");

            foreach (var project in new[] { "api", "worker" })
            {
                var resource = resources[project]!;
                Assert.Equal("project.v0", resource["type"]!.GetValue<string>());
                var env = resource["env"]!;
                Assert.Equal("{contentdb.connectionString}", env["ConnectionStrings__contentdb"]!.GetValue<string>());
                Assert.Equal("{redis.connectionString}", env["ConnectionStrings__redis"]!.GetValue<string>());
            }
            Assert.Contains(Bindings(resources["api"]!), b => b["external"]?.GetValue<bool>() == true);
            Assert.DoesNotContain(Bindings(resources["worker"]!), b => b["external"]?.GetValue<bool>() == true);

            foreach (var connection in new[] { "contentdb", "redis" })
            {
                var resource = resources[connection]!;
                Assert.Equal("parameter.v0", resource["type"]!.GetValue<string>());
                Assert.NotNull(resource["connectionString"]);
                Assert.True(IsSecret(resource), $"{connection} is not a secret parameter");
            }

            foreach (var secret in new[] { "jwt-key", "ai" })
            {
                var resource = resources[secret]!;
                Assert.Equal("parameter.v0", resource["type"]!.GetValue<string>());
                Assert.True(IsSecret(resource), $"{secret} is not a secret parameter");
            }
            Assert.NotNull(resources["api"]!["env"]!["Jwt__Key"]);
            Assert.All(new[] { "api", "worker" }, project => Assert.NotNull(resources[project]!["env"]!["ConnectionStrings__ai"]));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static IEnumerable<JsonNode> Bindings(JsonNode resource) =>
        resource["bindings"]?.AsObject().Select(b => b.Value!) ?? [];

    private static bool IsSecret(JsonNode parameter) =>
        parameter["inputs"]?.AsObject().Any(i => i.Value!["secret"]?.GetValue<bool>() == true) == true;
}
