using ContentPlatform.Hosting.Processes;

namespace ContentPlatform.Tests.SocketIO;

// SocketIO/node: the npm packages the tests run (socket.io-client, pinned in its package.json). scripts/test.sh
// installs them; a test run without them (e.g. dotnet test alone) installs them once.
public static class NodePackages
{
    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static string Directory => Path.Combine(RepositoryLayout.Root(), "ContentPlatform.Tests", "SocketIO", "node");

    public static string BrowserBundle => Path.Combine(Directory, "node_modules", "socket.io-client", "dist", "socket.io.min.js");

    public static async Task EnsureInstalledAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (File.Exists(BrowserBundle))
            {
                return;
            }
            var output = new List<string>();
            await using var npm = ChildProcess.Start(
                new ChildProcessSpec("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock"]) { WorkingDirectory = Directory },
                line => { lock (output) { output.Add(line); } });
            await npm.Exited;
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm install failed in {Directory}:\n{string.Join('\n', output)}");
            }
        }
        finally
        {
            Installing.Release();
        }
    }
}
