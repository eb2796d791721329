namespace ContentPlatform.Benchmarks;

// One performance target (README "Performance targets") as a benchmark judged it: what it asks, what was measured
// (beside the peer's figure where there is one), and whether it was met.
internal sealed record TargetVerdict(string Target, string Measured, bool Met)
{
    public static void PrintTable(IEnumerable<(string Command, TargetVerdict Verdict)> verdicts)
    {
        Console.WriteLine("| command | target | measured | met |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (command, verdict) in verdicts)
        {
            Console.WriteLine($"| `{command}` | {verdict.Target} | {verdict.Measured} | {(verdict.Met ? "yes" : "no")} |");
        }
    }
}
