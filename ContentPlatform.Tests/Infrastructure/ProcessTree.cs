using System.Diagnostics;

namespace ContentPlatform.Tests.Infrastructure;

// Signals a process and all its descendants, as `kill -STOP` on a server and its children does: PostgreSQL
// serves each connection from a child process, so freezing only the postmaster would leave queries answered.
internal static class ProcessTree
{
    public static void Signal(int rootPid, string signal)
    {
        var pids = Descendants(rootPid).Prepend(rootPid).Select(pid => pid.ToString()).ToList();
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, .. pids]) { RedirectStandardError = true })!;
        kill.WaitForExit();
    }

    private static IEnumerable<int> Descendants(int rootPid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ParentOf(pid) is { } parent)
            {
                parents[pid] = parent;
            }
        }
        var found = new List<int>();
        var pending = new Stack<int>([rootPid]);
        while (pending.TryPop(out var parent))
        {
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                found.Add(child);
                pending.Push(child);
            }
        }
        return found;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (IOException)
        {
            return null; // exited in between
        }
    }
}
