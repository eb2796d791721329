using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace ContentPlatform.Benchmarks;

// The live managed heap of another .NET process: it is made to run a full blocking collection (an EventPipe session
// asking for GCHeapCollect, as dotnet-gcdump does) and the collection's own heap statistics give what survived. Its
// resident size says little per connection: garbage of earlier work is in it until a collection happens to run, and
// memory a collection freed leaves it only as the GC decommits.
internal static class ManagedHeap
{
    public const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<long> AfterFullCollectionAsync(int pid)
    {
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(new EventPipeProvider(RuntimeProvider, EventLevel.Informational,
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

// The collections a .NET process runs while it is watched (an EventPipe session of the runtime's GC events): how many
// of each generation, how many of them background ones, and how long the process was stopped for them. A round's CPU
// per delivery says how much it cost, this says whether a collection of the heap that holds every connection was in it.
internal sealed class GarbageCollections
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private readonly int[] _byGeneration = new int[3];
    private int _background;
    private double _pausedMilliseconds;
    private double _suspendingMilliseconds;
    private double? _suspendedAt;
    private long _promotedFromGen0;
    private long _countFromTicks;
    // The session's thread counts; CountFromNow starts the counts again from another.
    private readonly Lock _lock = new();

    public GarbageCollections(int pid)
    {
        _session = new DiagnosticsClient(pid).StartEventPipeSession(new EventPipeProvider(ManagedHeap.RuntimeProvider,
            EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC), requestRundown: false);
        _source = new EventPipeEventSource(_session.EventStream);
        // One thread calls these, in the order the runtime wrote the events.
        _source.Clr.GCStart += gc =>
        {
            lock (_lock)
            {
                if (Counted(gc))
                {
                    _byGeneration[Math.Min(gc.Depth, 2)]++;
                    _background += gc.Type == GCType.BackgroundGC ? 1 : 0;
                }
            }
        };
        _source.Clr.GCSuspendEEStart += suspend =>
        {
            lock (_lock)
            {
                _suspendedAt = Counted(suspend) && suspend.Reason is GCSuspendEEReason.SuspendForGC or GCSuspendEEReason.SuspendForGCPrep
                    ? suspend.TimeStampRelativeMSec : null;
            }
        };
        // Of a pause, how long the threads took to stop, and of the work, how much a collection kept from gen0.
        _source.Clr.GCSuspendEEStop += suspended =>
        {
            lock (_lock)
            {
                _suspendingMilliseconds += _suspendedAt is { } suspendedAt ? suspended.TimeStampRelativeMSec - suspendedAt : 0;
            }
        };
        _source.Clr.GCHeapStats += stats =>
        {
            lock (_lock)
            {
                _promotedFromGen0 += Counted(stats) ? stats.TotalPromotedSize0 : 0;
            }
        };
        _source.Clr.GCRestartEEStop += restart =>
        {
            lock (_lock)
            {
                if (_suspendedAt is { } suspendedAt)
                {
                    _pausedMilliseconds += restart.TimeStampRelativeMSec - suspendedAt;
                    _suspendedAt = null;
                }
            }
        };
        _processing = Task.Run(_source.Process);
    }

    // Counts only what happens from now on: what was counted so far is dropped, and events of earlier collections still
    // on their way are not counted. A session started ahead of what it measures has read events already, so the reading
    // (TraceEvent's parsers, compiled at their first use) is not compiled in this process during the measurement.
    public void CountFromNow()
    {
        lock (_lock)
        {
            _countFromTicks = DateTime.Now.Ticks;
            Array.Clear(_byGeneration);
            (_background, _pausedMilliseconds, _suspendingMilliseconds, _suspendedAt, _promotedFromGen0) = (0, 0, 0, null, 0);
        }
    }

    private bool Counted(TraceEvent data) => data.TimeStamp.Ticks >= _countFromTicks;

    // Stops watching (the session's last events are read first) and says what it saw.
    public async Task<string> StopAsync()
    {
        await _session.StopAsync(CancellationToken.None);
        await _processing;
        _source.Dispose();
        _session.Dispose();
        return $"collections gen0 {_byGeneration[0]}, gen1 {_byGeneration[1]}, gen2 {_byGeneration[2]} ({_background} background), " +
            $"{_pausedMilliseconds:N0} ms paused ({_suspendingMilliseconds:N1} ms of it stopping threads), " +
            $"{_promotedFromGen0 / 1_000_000.0 / Math.Max(1, _byGeneration.Sum()):N1} MB kept from gen0 per collection";
    }
}
