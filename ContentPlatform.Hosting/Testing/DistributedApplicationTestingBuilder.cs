using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ContentPlatform.Hosting.Testing;

public static class DistributedApplicationTestingBuilder
{
    // Runs the AppHost's own Program with extra arguments (e.g. --AppHost:RandomizePorts=true) and returns
    // the application it builds, not started, its output kept in ResourceLogs rather than printed.
    public static Task<DistributedApplication> BuildAsync(Assembly appHostAssembly, params string[] args) => Task.Run(() =>
    {
        var entryPoint = appHostAssembly.EntryPoint
            ?? throw new ArgumentException($"{appHostAssembly.GetName().Name} has no entry point.", nameof(appHostAssembly));
        var interceptor = new BuildInterceptor(appHostAssembly, args);
        using (BuildInterceptor.Install(interceptor))
        {
            try
            {
                entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [Array.Empty<string>()]);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is BuildInterceptedException)
            {
                // The way Program ends under a test: the application is in the interceptor.
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
            }
        }
        return interceptor.Application
            ?? throw new InvalidOperationException($"{appHostAssembly.GetName().Name}'s Program did not build an application.");
    });
}
