using ContentPlatform.Benchmarks;

// dotnet run -c Release --project ContentPlatform.Benchmarks -- jobs [--count 20000] [--workers 1,2,4] [--concurrency 64] [--producers 128]
if (args.Length == 0 || args[0] != "jobs")
{
    Console.Error.WriteLine("usage: jobs [--count N] [--workers 1,2,4] [--concurrency 64] [--producers 128]");
    return 2;
}
string Option(string name, string fallback) =>
    args.SkipWhile(a => a != $"--{name}").Skip(1).FirstOrDefault() ?? fallback;

var settings = new JobBenchmarkSettings(
    Count: int.Parse(Option("count", "20000")),
    Workers: Option("workers", "1,2,4").Split(',').Select(int.Parse).ToArray(),
    Concurrency: int.Parse(Option("concurrency", "64")),
    Producers: int.Parse(Option("producers", "128")));
await JobBenchmark.RunAsync(settings);
return 0;
