using System.Diagnostics;

namespace ContentPlatform.Jobs;

internal static class JobTelemetry
{
    public const string SourceName = "ContentPlatform.Jobs";
    public static readonly ActivitySource Source = new(SourceName);

    // The context a job carries to its Worker: the enqueue span when traced, else whatever is current.
    public static (string? TraceParent, string? TraceState) CurrentContext() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current
            ? (current.Id, current.TraceStateString)
            : (null, null);

    public static ActivityContext ParentOf(string? traceParent, string? traceState) =>
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;

    public static Activity? StartRedis(string operation, string kind) =>
        Source.StartActivity($"redis {operation}", ActivityKind.Client)?
            .SetTag("db.system", "redis")
            .SetTag("db.operation", operation)
            .SetTag("job.kind", kind);
}
