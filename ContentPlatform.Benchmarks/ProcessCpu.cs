namespace ContentPlatform.Benchmarks;

// CPU time (user + system) used by a process and its live descendants, from /proc. On a shared machine
// wall-clock throughput moves with the other load; CPU time per job shows where the work goes regardless.
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan OfTree(int rootPid)
    {
        var processes = Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? Read(pid) : null)
            .OfType<Stat>()
            .ToList();
        var children = processes.ToLookup(p => p.ParentPid);
        var total = 0L;
        var pending = new Stack<int>([rootPid]);
        while (pending.TryPop(out var pid))
        {
            total += processes.FirstOrDefault(p => p.Pid == pid)?.Ticks ?? 0;
            foreach (var child in children[pid])
            {
                pending.Push(child.Pid);
            }
        }
        return TimeSpan.FromSeconds(total / TicksPerSecond);
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
        return new Stat(pid, int.Parse(fields[1]), long.Parse(fields[11]) + long.Parse(fields[12]));
    }
}
