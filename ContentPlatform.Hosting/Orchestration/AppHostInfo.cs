using System.Reflection;

namespace ContentPlatform.Hosting.Orchestration;

// Where the AppHost project lives and how it was built, written into its assembly at build time
// (see ContentPlatform.AppHost.csproj), so project paths resolve wherever the AppHost runs from.
internal sealed record AppHostInfo(string ProjectDirectory, string Configuration, string TargetFramework)
{
    public static AppHostInfo From(Assembly assembly)
    {
        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        string Required(string key) => metadata.GetValueOrDefault(key) ?? throw new InvalidOperationException(
            $"{assembly.GetName().Name} lacks the assembly metadata '{key}' an AppHost project writes (see ContentPlatform.AppHost.csproj).");
        return new AppHostInfo(Required("AppHostProjectDirectory"), Required("AppHostConfiguration"), Required("AppHostTargetFramework"));
    }
}
