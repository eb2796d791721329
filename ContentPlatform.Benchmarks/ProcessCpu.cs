using System.Diagnostics;

namespace ContentPlatform.Benchmarks;

// CPU time (user + system) used by a process and its descendants, live or ended and reaped, from /proc. On a shared
// machine wall-clock throughput moves with the other load; CPU time per job shows where the work goes regardless.
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan OfTree(int rootPid) =>
        TimeSpan.FromSeconds(Tree(rootPid).Sum(p => p.Ticks) / TicksPerSecond);

    // The process and its live descendants (e.g. `dotnet run` and the program it started).
    public static IReadOnlyList<int> TreePids(int rootPid) => Tree(rootPid).Select(p => p.Pid).ToList();

    private static List<Stat> Tree(int rootPid)
    {
        var processes = Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? Read(pid) : null)
            .OfType<Stat>()
            .ToList();
        var children = processes.ToLookup(p => p.ParentPid);
        var tree = new List<Stat>();
        var pending = new Stack<int>([rootPid]);
        while (pending.TryPop(out var pid))
        {
            if (processes.FirstOrDefault(p => p.Pid == pid) is { } process)
            {
                tree.Add(process);
            }
            foreach (var child in children[pid])
            {
                pending.Push(child.Pid);
            }
        }
        return tree;
    }

    private sealed record Stat(int Pid, int ParentPid, long Ticks);

    private static Stat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // exited in between
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid ..."; comm may contain spaces, so split after its closing parenthesis.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // utime + stime, and cutime + cstime: the children it has reaped (a PostgreSQL backend that ended) stay counted.
        return new Stat(pid, int.Parse(fields[1]), long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]));
    }
}

// CPU time of .NET's tiered compilation (the ".NET Tiered Com" background thread, which re-compiles hot methods
// as optimized code) in a set of processes, sampled while it runs: the thread exits when idle and starts again
// later, so each thread's growth is added up as it is seen.
internal sealed class TieredCompilationCpu : IAsyncDisposable
{
    private const string ThreadName = ".NET Tiered Com";
    public static readonly TimeSpan Settled = TimeSpan.FromMilliseconds(30);
    private readonly int[] _pids;
    private readonly Dictionary<(int Pid, int Tid), long> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _ticks;

    public TieredCompilationCpu(IEnumerable<int> pids)
    {
        _pids = pids.ToArray();
        Sample();
        _sampling = SampleAsync();
    }

    // Runs at least minRounds rounds for at least minTime, then until two in a row took at most Settled of tiered
    // compilation in the processes (or maxRounds were run), and says so in one line; returns how many rounds ran. One
    // quiet round is not enough: the runtime delays tier-up while methods are still being called for the first time,
    // so a first round can be quiet and the compilation fall into the measured window.
    public static async Task<int> WarmUpAsync(IEnumerable<int> pids, int minRounds, TimeSpan minTime, int maxRounds, Func<int, string> what, Func<Task> round)
    {
        await using var compilation = new TieredCompilationCpu(pids);
        var started = Stopwatch.StartNew();
        var quietRounds = 0;
        for (var rounds = 1; ; rounds++)
        {
            var before = compilation.Total;
            await round();
            var compiling = compilation.Total - before;
            quietRounds = compiling <= Settled ? quietRounds + 1 : 0;
            if ((quietRounds >= 2 && rounds >= minRounds && started.Elapsed >= minTime) || rounds == maxRounds)
            {
                Console.WriteLine($"  warm-up: {what(rounds)}, tiered compilation {compilation.Total.TotalMilliseconds:N0} ms of CPU in all, " +
                    $"{compiling.TotalMilliseconds:N0} ms in the last round{(compiling <= Settled ? "" : " (not settled)")}");
                return rounds;
            }
        }
    }

    public TimeSpan Total
    {
        get
        {
            lock (_seen)
            {
                Sample();
                return TimeSpan.FromSeconds(_ticks / 100.0);
            }
        }
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default))
        {
            lock (_seen)
            {
                Sample();
            }
        }
    }

    private void Sample()
    {
        foreach (var pid in _pids)
        {
            IEnumerable<string> threads;
            try
            {
                threads = Directory.EnumerateDirectories($"/proc/{pid}/task").ToList();
            }
            catch (IOException)
            {
                continue;
            }
            foreach (var thread in threads)
            {
                try
                {
                    if (!File.ReadAllText(Path.Combine(thread, "comm")).StartsWith(ThreadName, StringComparison.Ordinal))
                    {
                        continue;
                    }
                    var stat = File.ReadAllText(Path.Combine(thread, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
                    var key = (pid, int.Parse(Path.GetFileName(thread)));
                    _ticks += ticks - _seen.GetValueOrDefault(key);
                    _seen[key] = ticks;
                }
                catch (IOException)
                {
                    // The thread exited in between.
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
    }
}
