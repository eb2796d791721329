using System.Reflection;

namespace ContentPlatform.Hosting.Testing;

// Lets a test run an AppHost's Program up to Build() and take the built application instead of running it,
// like Aspire.Hosting.Testing does. AsyncLocal keeps tests that do this in parallel apart.
internal sealed class BuildInterceptor(Assembly appHostAssembly, string[] args)
{
    private static readonly AsyncLocal<BuildInterceptor?> CurrentInterceptor = new();

    public static BuildInterceptor? Current => CurrentInterceptor.Value;

    public Assembly AppHostAssembly { get; } = appHostAssembly;
    public string[] Args { get; } = args;
    public DistributedApplication? Application { get; private set; }

    public static IDisposable Install(BuildInterceptor interceptor)
    {
        CurrentInterceptor.Value = interceptor;
        return new Uninstall();
    }

    // Ends the AppHost's Program at Build(): what follows it (RunAsync) is the test's to do.
    public void Intercept(DistributedApplication application)
    {
        Application = application;
        throw new BuildInterceptedException();
    }

    private sealed class Uninstall : IDisposable
    {
        public void Dispose() => CurrentInterceptor.Value = null;
    }
}

internal sealed class BuildInterceptedException() : Exception("The application was built for a test; the AppHost's Program stops here.");
