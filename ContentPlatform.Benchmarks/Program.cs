using ContentPlatform.Benchmarks;

const string Usage = "usage: jobs [--count 20000] [--workers 1,2,4] [--concurrency 1024] [--producers 128] [--repeat 1] " +
    "[--compare-bullmq] [--bullmq-concurrency 64] [--depth 1000,1000000] [--baseline-worker path/to/ContentPlatform.Worker.dll]\n" +
    "       fanout [--connections 1000,10000] [--kinds events-one-user,events-per-user,job-stream,socketio,socketio-per-user] [--events 5] [--burst 500] [--no-node] [--baseline-api path/to/ContentPlatform.Api.dll]\n" +
    "       http [--duration 10] [--status-connections 100] [--enqueue-connections 200] [--repeat 1]";
if (args.Length == 0 || args[0] is not ("jobs" or "fanout" or "http"))
{
    Console.Error.WriteLine(Usage);
    return 2;
}
string Option(string name, string fallback) =>
    args.SkipWhile(a => a != $"--{name}").Skip(1).FirstOrDefault() ?? fallback;

if (args[0] == "http")
{
    await HttpBenchmark.RunAsync(new HttpBenchmarkSettings(
        DurationSeconds: int.Parse(Option("duration", "10")),
        StatusConnections: int.Parse(Option("status-connections", "100")),
        EnqueueConnections: int.Parse(Option("enqueue-connections", "200")),
        Repeat: int.Parse(Option("repeat", "1"))));
    return 0;
}

if (args[0] == "fanout")
{
    await FanoutBenchmark.RunAsync(new FanoutBenchmarkSettings(
        Connections: Option("connections", "1000,10000").Split(',').Select(int.Parse).ToArray(),
        Events: int.Parse(Option("events", "5")),
        Burst: int.Parse(Option("burst", "500")),
        Kinds: Option("kinds", "events-one-user,events-per-user,job-stream,socketio,socketio-per-user").Split(',')
            .Select(kind => Enum.Parse<FanoutKind>(kind.Replace("-", ""), ignoreCase: true)).ToArray(),
        CompareNode: !args.Contains("--no-node"),
        BaselineApi: args.Contains("--baseline-api") ? Path.GetFullPath(Option("baseline-api", "")) : null));
    return 0;
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
await JobBenchmark.RunAsync(settings);
return 0;
