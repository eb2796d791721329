namespace ContentPlatform.Benchmarks;

// The whole machine's CPU time from /proc/stat. On a virtual machine the hypervisor may run other guests on our
// cores ("steal"): the same code then measures slower, and a run's figures only compare with a run as quiet.
internal readonly record struct MachineCpu(long Total, long Steal)
{
    public static MachineCpu Now()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already in user.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(long.Parse).ToArray();
        return new MachineCpu(fields.Take(8).Sum(), fields[7]);
    }

    // The 1-minute load average, printed beside a run's figures.
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    // The share of the machine's CPU time the hypervisor took between `before` and now.
    public double StealSince(MachineCpu before) =>
        Total > before.Total ? (double)(Steal - before.Steal) / (Total - before.Total) : 0;
}
