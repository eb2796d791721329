namespace ContentPlatform.Tests.Infrastructure;

// Test classes that start real processes (a Worker, the AppHost) join this collection: xunit runs the classes of one
// collection one after another, so at most one such class runs at a time beside the in-process tests, and a
// 2-core machine is not asked to boot several .NET processes and servers at once.
[CollectionDefinition(Name)]
public sealed class RealProcesses
{
    public const string Name = "Real processes";
}
