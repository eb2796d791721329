namespace ContentPlatform.Hosting.Processes;

// Where a program running from the repository (tests, benchmarks) finds the other projects' build output.
public static class RepositoryLayout
{
    public static string Root()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ContentPlatform.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("ContentPlatform.sln not found above " + AppContext.BaseDirectory);
        }
        return root.FullName;
    }

    // The project's dll built in the caller's own configuration: the caller runs from …/bin/<configuration>/net10.0.
    public static string BuiltAssembly(string projectName)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return Path.Combine(Root(), projectName, "bin", configuration, "net10.0", projectName + ".dll");
    }
}
