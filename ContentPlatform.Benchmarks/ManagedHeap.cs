using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace ContentPlatform.Benchmarks;

// The live managed heap of another .NET process: it is made to run a full blocking collection (an EventPipe session
// asking for GCHeapCollect, as dotnet-gcdump does) and the collection's own heap statistics give what survived. Its
// resident size says little per connection: garbage of earlier work is in it until a collection happens to run, and
// memory a collection freed leaves it only as the GC decommits.
internal static class ManagedHeap
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<long> AfterFullCollectionAsync(int pid)
    {
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational,
            (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect)), requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var fullCollection = false;
        long? live = null;
        source.Clr.GCStart += gc => fullCollection |= gc.Depth == 2;
        source.Clr.GCHeapStats += stats =>
        {
            if (fullCollection && live is null)
            {
                live = stats.TotalHeapSize;
                source.StopProcessing();
            }
        };
        var processing = Task.Run(source.Process);
        await Task.WhenAny(processing, Task.Delay(Timeout));
        await session.StopAsync(CancellationToken.None);
        await processing;
        return live ?? throw new TimeoutException($"Process {pid} reported no full collection within {Timeout}.");
    }
}
