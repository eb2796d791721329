using System.Text.Json;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Servers;

namespace ContentPlatform.Benchmarks;

// Runs bullmq/bench.mjs (BullMQ 6.7.0, pinned in bullmq/package.json) against our Redis server: the same
// no-op workload in one Node worker process, for a side-by-side figure from the same run on the same machine.
internal sealed class BullMqBenchmark(string directory)
{
    public static async Task<BullMqBenchmark> PrepareAsync() => new(await NodePackages.InstallAsync("bullmq", "bullmq"));

    public async Task<RunResult> RunAsync(RedisServer redis, string mode, int count, int warmUp, int concurrency, int producers)
    {
        string? json = null;
        var exitCode = await RunAsync(directory, "node",
            ["bench.mjs", "--port", redis.Options.Port.ToString(), "--password", redis.Options.Password, "--mode", mode,
             "--count", count.ToString(), "--warmup", warmUp.ToString(), "--concurrency", concurrency.ToString(), "--producers", producers.ToString()],
            line => json = line.StartsWith('{') ? line : json);
        if (exitCode != 0 || json is null)
        {
            throw new InvalidOperationException($"BullMQ's benchmark failed (exit code {exitCode}); see its output above.");
        }
        var figures = JsonDocument.Parse(json).RootElement;
        return new RunResult($"BullMQ 6.7.0 ({(mode == "bulk" ? "addBulk" : "add")})", 0, $"1 × {concurrency}", warmUp,
            figures.GetProperty("jobsPerSecond").GetDouble(), figures.GetProperty("enqueuePerSecond").GetDouble(),
            figures.GetProperty("p50Ms").GetDouble(), figures.GetProperty("p99Ms").GetDouble(),
            figures.GetProperty("redisCommandsPerJob").GetDouble(), double.NaN,
            [figures.GetProperty("producerCpuMsPerThousand").GetDouble(), figures.GetProperty("workerCpuMsPerThousand").GetDouble(), 0,
             figures.GetProperty("redisCpuMsPerThousand").GetDouble()],
            "");
    }

    private static async Task<int> RunAsync(string directory, string program, IReadOnlyList<string> arguments, Action<string> onLine)
    {
        await using var process = ChildProcess.Start(new ChildProcessSpec(program, arguments) { WorkingDirectory = directory }, line =>
        {
            onLine(line);
            if (!line.StartsWith('{'))
            {
                Console.WriteLine($"  {program}: {line}");
            }
        });
        await process.Completed;
        return process.ExitCode;
    }
}
