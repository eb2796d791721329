using System.Text.Json.Nodes;

namespace ContentPlatform.Tests.Deployment;

// Compiles and lints all of infra/ once per test class (the Bicep CLI takes seconds to start): one `bicep build
// --pattern` on a copy of the folder (the templates land beside their sources there), one `bicep lint --pattern` on
// the folder itself, and `bicep build-params` for each deploy-time parameter file.
public sealed class CompiledInfra : IAsyncLifetime
{
    private static readonly TimeSpan BicepTimeout = TimeSpan.FromMinutes(3);

    // What main.bicep outputs into the azd environment, as `azd provision` would write it, and what azd sets itself.
    public static readonly IReadOnlyDictionary<string, string> ProvisionedEnvironment = new Dictionary<string, string>
    {
        ["AZURE_ENV_NAME"] = "dev",
        ["AZURE_LOCATION"] = "westeurope",
        ["AZURE_RESOURCE_GROUP"] = "rg-dev",
        ["AZURE_CONTAINER_REGISTRY_ENDPOINT"] = "crabc.azurecr.io",
        ["AZURE_CONTAINER_REGISTRY_NAME"] = "crabc",
        ["AZURE_CONTAINER_APPS_ENVIRONMENT_NAME"] = "cae-abc",
        ["AZURE_MANAGED_IDENTITY_ID"] = "/subscriptions/0/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-abc",
        ["AZURE_KEY_VAULT_URI"] = "https://kv-abc.vault.azure.net/",
        ["AZURE_APPLICATION_INSIGHTS_NAME"] = "appi-abc",
        ["REDIS_HOST"] = "redis-abc.westeurope.redis.azure.net",
        ["REDIS_PORT"] = "10000",
        ["AI_CONFIGURED"] = "false",
        // Written by `azd deploy` for each service just before it deploys the service's template.
        ["SERVICE_API_IMAGE_NAME"] = "crabc.azurecr.io/contentplatform/api-dev:azd-deploy-1",
        ["SERVICE_WORKER_IMAGE_NAME"] = "crabc.azurecr.io/contentplatform/worker-dev:azd-deploy-1",
    };

    public static readonly string[] ServiceParameterFiles = ["api.bicepparam", "worker.bicepparam"];

    private DirectoryInfo? copy;

    public ProcessResult Build { get; private set; } = null!;

    public ProcessResult Lint { get; private set; } = null!;

    public Dictionary<string, ProcessResult> ParameterBuilds { get; } = [];

    public async Task InitializeAsync()
    {
        copy = Directory.CreateTempSubdirectory("contentplatform-infra-");
        foreach (var file in Directory.EnumerateFiles(DeploymentLayout.Infra, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.FullName, Path.GetRelativePath(DeploymentLayout.Infra, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        Build = await BicepAsync(["build", "--pattern", "**/*.bicep"], copy.FullName);
        Lint = await BicepAsync(["lint", "--pattern", "**/*.bicep"], DeploymentLayout.Infra);
        foreach (var file in ServiceParameterFiles)
        {
            ParameterBuilds[file] = await BicepAsync(["build-params", file, "--stdout"], copy.FullName, ProvisionedEnvironment);
        }
    }

    public Task DisposeAsync()
    {
        copy?.Delete(recursive: true);
        return Task.CompletedTask;
    }

    // The ARM template compiled from infra/<file>.bicep, or null when the build wrote none.
    public JsonNode? Template(string bicepFile)
    {
        var json = Path.Combine(copy!.FullName, Path.ChangeExtension(bicepFile, ".json"));
        return File.Exists(json) ? JsonNode.Parse(File.ReadAllText(json)) : null;
    }

    private static Task<ProcessResult> BicepAsync(
        string[] arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null) =>
        Processes.RunAsync(DeploymentLayout.BicepPath, arguments, BicepTimeout, environment, workingDirectory);
}
