using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ContentPlatform.Generation;
using ContentPlatform.Jobs;

namespace ContentPlatform.Tests.Deployment;

// infra/ compiles and lints clean with the Bicep CLI, the deploy-time parameter files fit their templates and
// read only what `azd provision` writes, and the Worker's scale rules watch the streams the job engine uses.
public sealed partial class BicepTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    // Set by azd itself rather than by main.bicep's outputs.
    private static readonly string[] AzdVariables =
        ["AZURE_ENV_NAME", "AZURE_LOCATION", "SERVICE_API_IMAGE_NAME", "SERVICE_WORKER_IMAGE_NAME"];

    public static TheoryData<string> BicepFiles() =>
        [.. DeploymentLayout.BicepFiles().Select(f => Path.GetRelativePath(DeploymentLayout.Infra, f))];

    public static TheoryData<string> ServiceParameterFiles() => [.. CompiledInfra.ServiceParameterFiles];

    [Fact]
    public void Every_Bicep_file_compiles_and_lints_without_errors_or_warnings()
    {
        Assert.True(infra.Build.ExitCode == 0 && infra.Build.StandardOutput.Length == 0 && infra.Build.StandardError.Length == 0,
            "bicep build: " + infra.Build);
        Assert.True(infra.Lint.ExitCode == 0 && infra.Lint.StandardOutput.Length == 0 && infra.Lint.StandardError.Length == 0,
            "bicep lint: " + infra.Lint);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Bicep_file_has_a_compiled_template(string file)
    {
        var template = infra.Template(file);
        Assert.NotNull(template);
        Assert.StartsWith("https://schema.management.azure.com/schemas/", template["$schema"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(ServiceParameterFiles))]
    public void Service_parameter_file_builds_against_its_template(string file)
    {
        var build = infra.ParameterBuilds[file];
        Assert.True(build.ExitCode == 0 && build.StandardError.Length == 0, build.ToString());

        var parameters = JsonNode.Parse(JsonNode.Parse(build.StandardOutput)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        Assert.Equal("dev", parameters["environmentName"]!["value"]!.GetValue<string>());
        Assert.StartsWith("crabc.azurecr.io/contentplatform/", parameters["imageName"]!["value"]!.GetValue<string>());
        Assert.False(parameters["aiConfigured"]!["value"]!.GetValue<bool>());
        Assert.Equal(1, parameters["minReplicas"]!["value"]!.GetValue<int>());
    }

    [Fact]
    public void Service_parameter_files_require_only_variables_that_azd_or_main_bicep_provide()
    {
        var mainOutputs = infra.Template("main.bicep")!["outputs"]!.AsObject().Select(o => o.Key);
        var provided = mainOutputs.Concat(AzdVariables).ToHashSet();

        foreach (var file in CompiledInfra.ServiceParameterFiles)
        {
            var text = File.ReadAllText(Path.Combine(DeploymentLayout.Infra, file));
            var required = RequiredEnvironmentVariable().Matches(text).Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(required);
            Assert.All(required, name => Assert.True(provided.Contains(name), $"{file} reads {name}, which nothing sets"));
        }
    }

    [Fact]
    public void Main_parameters_file_names_only_parameters_of_main_bicep()
    {
        var template = infra.Template("main.bicep")!;
        var templateParameters = template["parameters"]!.AsObject().Select(p => p.Key).ToHashSet();

        var parametersFile = JsonNode.Parse(File.ReadAllText(Path.Combine(DeploymentLayout.Infra, "main.parameters.json")))!;
        var given = parametersFile["parameters"]!.AsObject().Select(p => p.Key).ToList();

        Assert.Contains("environmentName", given);
        Assert.All(given, name => Assert.Contains(name, templateParameters));
        // The secrets azd generates itself (metadata azd.type "generate") must not be mapped from the environment.
        foreach (var secret in new[] { "postgresAdminPassword", "jwtKey" })
        {
            Assert.DoesNotContain(secret, given);
            Assert.Equal("generate", template["parameters"]![secret]!["metadata"]!["azd"]!["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Worker_scale_rules_watch_the_stream_and_consumer_group_of_every_job_kind()
    {
        var variables = infra.Template("worker.bicep")!["variables"]!;

        var ruleKinds = variables["jobKinds"]!.AsArray().Select(k => k!.GetValue<string>()).Order().ToList();
        var workerKinds = typeof(JobKinds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order().ToList();
        Assert.Equal(workerKinds, ruleKinds);

        var keys = new JobKeys(new JobsOptions().KeyPrefix);
        Assert.Equal((string)keys.Stream("generate-content")!, variables["streamKeyPrefix"]!.GetValue<string>() + "generate-content");
        Assert.Equal(JobKeys.ConsumerGroup, variables["consumerGroup"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public void App_listens_where_its_image_does_and_is_tagged_for_azd(string service)
    {
        var template = infra.Template($"{service}.bicep")!;
        var project = File.ReadAllText(Path.Combine(
            DeploymentLayout.RepositoryRoot, $"ContentPlatform.{char.ToUpperInvariant(service[0])}{service[1..]}",
            $"ContentPlatform.{char.ToUpperInvariant(service[0])}{service[1..]}.csproj"));

        var port = template["variables"]!["port"]!.GetValue<int>();
        Assert.Contains($"<ContainerPort Include=\"{port}\"", project);

        var app = template["resources"]!.AsObject().Select(r => r.Value!)
            .Single(r => r["type"]!.GetValue<string>() == "Microsoft.App/containerApps");
        Assert.Equal(service, app["tags"]!["azd-service-name"]!.GetValue<string>());
    }

    // readEnvironmentVariable('NAME') without a default: the variable must exist.
    [GeneratedRegex(@"readEnvironmentVariable\('([A-Z0-9_]+)'\)")]
    private static partial Regex RequiredEnvironmentVariable();
}
