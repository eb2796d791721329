using ContentPlatform.Hosting.Processes;

namespace ContentPlatform.Benchmarks;

// The Node side of the benchmarks, one folder each under ContentPlatform.Benchmarks with its package.json and
// package-lock.json committed. `npm ci` installs exactly the lock file and never writes it, so a run leaves the
// working tree as it was. The lock files hold every platform's optional packages (as `npm install` writes them on
// any machine): without them npm ci refuses the file.
internal static class NodePackages
{
    public static async Task<string> InstallAsync(string folder, string package)
    {
        var directory = Path.Combine(RepositoryLayout.Root(), "ContentPlatform.Benchmarks", folder);
        if (Directory.Exists(Path.Combine(directory, "node_modules", package)))
        {
            return directory;
        }
        Console.WriteLine($"Installing {folder}/package-lock.json (npm ci) ...");
        await using var npm = ChildProcess.Start(
            new ChildProcessSpec("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = directory },
            line => Console.WriteLine($"  npm: {line}"));
        await npm.Exited;
        return npm.ExitCode == 0 ? directory : throw new InvalidOperationException($"npm ci failed in {directory}; see its output above.");
    }

    // `node <script> ...` in the folder, once it prints "listening"; its other lines are shown, named.
    public static async Task<ChildProcess> StartServerAsync(string directory, string name, string script, IReadOnlyList<string> arguments)
    {
        var listening = new TaskCompletionSource();
        var server = ChildProcess.Start(new ChildProcessSpec("node", [script, .. arguments]) { WorkingDirectory = directory },
            line =>
            {
                if (line == "listening")
                {
                    listening.TrySetResult();
                }
                else
                {
                    Console.WriteLine($"  {name}: {line}");
                }
            });
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return server;
    }
}
