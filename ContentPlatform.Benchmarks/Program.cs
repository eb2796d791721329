using ContentPlatform.Benchmarks;

const string Usage = "usage: jobs [--count 20000] [--workers 1,2,4] [--concurrency 1024] [--producers 128] [--repeat 1] " +
    "[--compare-bullmq] [--bullmq-concurrency 64] [--depth 1000,1000000] [--baseline-worker path/to/ContentPlatform.Worker.dll]\n" +
    "       fanout [--connections 1000,10000] [--kinds events-one-user,events-per-user,job-stream,socketio,socketio-per-user] [--events 5] [--burst 500] [--no-node] [--baseline-api path/to/ContentPlatform.Api.dll]\n" +
    "       http [--duration 10] [--status-connections 100] [--enqueue-connections 200] [--repeat 1]\n" +
    "       targets (each target's command as README \"Performance targets\" gives it, in turn, then every verdict in one table; exit code 1 if one was missed)";

// The commands the performance targets are set for (README "Performance targets"), as `targets` runs them.
string[][] targetCommands =
[
    ["http", "--repeat", "3"],
    ["jobs", "--count", "20000", "--workers", "1", "--concurrency", "1024", "--compare-bullmq", "--repeat", "3"],
    ["jobs", "--count", "20000", "--workers", "1", "--concurrency", "1024", "--depth", "1000,1000000", "--repeat", "3"],
    ["fanout", "--connections", "10000", "--events", "5"],
];

if (args.Length == 0 || args[0] is not ("jobs" or "fanout" or "http" or "targets"))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

if (args[0] != "targets")
{
    await RunAsync(args);
    return 0;
}
var started = DateTime.UtcNow;
var verdicts = new List<(string Command, TargetVerdict Verdict)>();
foreach (var command in targetCommands)
{
    var line = string.Join(' ', command);
    Console.WriteLine($"## {line}");
    Console.WriteLine();
    verdicts.AddRange((await RunAsync(command)).Select(verdict => (line, verdict)));
    Console.WriteLine();
}
Console.WriteLine($"## Every target, {started:yyyy-MM-dd HH:mm}–{DateTime.UtcNow:HH:mm} UTC, {Environment.ProcessorCount} cores, load average {MachineCpu.LoadAverage()} now");
Console.WriteLine();
TargetVerdict.PrintTable(verdicts);
return verdicts.All(v => v.Verdict.Met) ? 0 : 1;

static async Task<IReadOnlyList<TargetVerdict>> RunAsync(string[] args)
{
    string Option(string name, string fallback) =>
        args.SkipWhile(a => a != $"--{name}").Skip(1).FirstOrDefault() ?? fallback;

    if (args[0] == "http")
    {
        return await HttpBenchmark.RunAsync(new HttpBenchmarkSettings(
            DurationSeconds: int.Parse(Option("duration", "10")),
            StatusConnections: int.Parse(Option("status-connections", "100")),
            EnqueueConnections: int.Parse(Option("enqueue-connections", "200")),
            Repeat: int.Parse(Option("repeat", "1"))));
    }

    if (args[0] == "fanout")
    {
        return await FanoutBenchmark.RunAsync(new FanoutBenchmarkSettings(
            Connections: Option("connections", "1000,10000").Split(',').Select(int.Parse).ToArray(),
            Events: int.Parse(Option("events", "5")),
            Burst: int.Parse(Option("burst", "500")),
            Kinds: Option("kinds", "events-one-user,events-per-user,job-stream,socketio,socketio-per-user").Split(',')
                .Select(kind => Enum.Parse<FanoutKind>(kind.Replace("-", ""), ignoreCase: true)).ToArray(),
            CompareNode: !args.Contains("--no-node"),
            BaselineApi: args.Contains("--baseline-api") ? Path.GetFullPath(Option("baseline-api", "")) : null));
    }

    var settings = new JobBenchmarkSettings(
        Count: int.Parse(Option("count", "20000")),
        Workers: Option("workers", "1,2,4").Split(',').Select(int.Parse).ToArray(),
        Concurrency: int.Parse(Option("concurrency", "1024")),
        Producers: int.Parse(Option("producers", "128")),
        Repeat: int.Parse(Option("repeat", "1")),
        CompareBullMq: args.Contains("--compare-bullmq"),
        BullMqConcurrency: int.Parse(Option("bullmq-concurrency", "64")),
        Depths: args.Contains("--depth") ? Option("depth", "").Split(',').Select(int.Parse).ToArray() : [],
        BaselineWorker: args.Contains("--baseline-worker") ? Path.GetFullPath(Option("baseline-worker", "")) : null);
    return await JobBenchmark.RunAsync(settings);
}
