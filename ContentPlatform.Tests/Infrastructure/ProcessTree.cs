using ContentPlatform.Hosting.Processes;

namespace ContentPlatform.Tests.Infrastructure;

// Reads the process table from /proc: what a process started, directly or not, and whether it still runs.
internal static class ProcessTree
{
    // As `kill -STOP` on a server and its children: PostgreSQL serves each connection from a child process of its
    // own session, so signalling only the postmaster or its process group would leave queries answered. The root
    // first, so that it starts no new child meanwhile.
    public static void Signal(int root, int signal)
    {
        ChildProcess.Signal(root, signal);
        foreach (var pid in Descendants(root))
        {
            ChildProcess.Signal(pid, signal);
        }
    }

    public static IReadOnlyList<int> Descendants(int root)
    {
        var children = ParentsByPid().GroupBy(p => p.Value, p => p.Key).ToDictionary(g => g.Key, g => g.ToList());
        var found = new List<int>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid, []))
            {
                found.Add(child);
                pending.Push(child);
            }
        }
        return found;
    }

    // Processes of the given ones still running after their owner has had time to stop them.
    public static async Task<IReadOnlyList<string>> StillRunningAsync(IEnumerable<int> pids)
    {
        var left = pids.ToList();
        for (var attempt = 0; attempt < 600 && left.Count > 0; attempt++)
        {
            await Task.Delay(100);
            left = left.Where(IsRunning).ToList();
        }
        return left.Select(pid => $"{pid} {CommandLine(pid)}").ToList();
    }

    // A zombie has ended; only its parent has not collected its exit status yet.
    public static bool IsRunning(int pid) => Stat(pid) is { } stat && stat.State != 'Z';

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static Dictionary<int, int> ParentsByPid()
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } stat)
            {
                parents[pid] = stat.ParentPid;
            }
        }
        return parents;
    }

    private static (char State, int ParentPid)? Stat(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
