using System.Diagnostics;
using ContentPlatform.Data;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Servers;
using ContentPlatform.Jobs;
using ContentPlatform.Jobs.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace ContentPlatform.Benchmarks;

internal sealed record JobBenchmarkSettings(
    int Count, int[] Workers, int Concurrency, int Producers, int Repeat, bool CompareBullMq, int BullMqConcurrency, int[] Depths,
    string? BaselineWorker);

// No-op jobs end to end through the engine: enqueued here (JobQueue, in-process, as the Api does), run by
// real ContentPlatform.Worker processes, every job a durable PostgreSQL row from enqueue to completion.
// With --compare-bullmq, BullMQ runs the same workload right after each of our runs, against the same Redis,
// so both see the same machine load; with --depth, each run sits on top of that many queued jobs. With
// --baseline-worker, another build of ContentPlatform.Worker (e.g. of the previous commit) runs each workload too,
// for a before/after comparison from one run.
internal static class JobBenchmark
{
    // Jobs run before measuring, by both engines, in rounds of WarmUp until .NET's tiered compilation in the producer
    // and every Worker has settled (at most MaxWarmUpRounds): the figures are the steady state of a long-running
    // service rather than the cost of compiling a freshly started one. On a busy machine the background compiler
    // takes tens of seconds, and seconds of CPU, to optimize every hot method. BullMQ gets as many warm-up jobs.
    public const int WarmUp = 5000;
    private const string Ours = "ours";
    // A fresh Worker has sometimes shown two quiet rounds in its first 10,000 jobs and then compiled inside the
    // measured window (twice its CPU per job, p50 above 300 ms); settling takes 75,000 jobs or more otherwise.
    private const int MinWarmUpRounds = 6;
    private const int MaxWarmUpRounds = 30;
    // The runtime tiers methods up on timers (call counting starts after a quiet delay, compilation runs in the
    // background), so the warm-up is also measured in time: on a machine that ran the six rounds in a second, the
    // Worker looked settled after 30,000 jobs and then used 2–3 times its CPU per job in the measured run, in half the
    // runs; with at least 100,000 jobs (about 4 s there), in none.
    private static readonly TimeSpan MinWarmUpTime = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<TargetVerdict>> RunAsync(JobBenchmarkSettings settings)
    {
        var bullMq = settings.CompareBullMq ? await BullMqBenchmark.PrepareAsync() : null;
        var root = Path.Combine(Path.GetTempPath(), "contentplatform-bench", Guid.NewGuid().ToString("N"));
        var password = Guid.NewGuid().ToString("N");
        Console.WriteLine("Starting PostgreSQL (durable commits) and Redis ...");
        await using var postgres = await PostgresServer.StartAsync(
            new PostgresServerOptions(Path.Combine(root, "postgres"), Ports.GetFree(), password), null, CancellationToken.None);
        await using var redis = await RedisServer.StartAsync(
            new RedisServerOptions(Path.Combine(root, "redis"), Ports.GetFree(), password) { Durable = false }, null, CancellationToken.None);
        await PrintServerSettingsAsync(postgres);
        Console.WriteLine($"{settings.Count} no-op jobs per run, {settings.Producers} concurrent producers, concurrency {settings.Concurrency} per Worker process" +
            (bullMq is null ? "" : $" (BullMQ {settings.BullMqConcurrency})") + $", {Environment.ProcessorCount} cores, load average {MachineCpu.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| engine | queued before | Worker processes | jobs/s end to end | enqueue jobs/s | p50 enqueue→completed | p99 | Redis commands/job | SQL commits/job | CPU ms/1000 jobs: producer, Worker, PostgreSQL, Redis |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var results = new List<RunResult>();
        var runs = settings.Depths.Length > 0
            ? settings.Depths.Select(depth => (Workers: settings.Workers[0], Depth: depth)).ToList()
            : settings.Workers.Select(workers => (Workers: workers, Depth: 0)).ToList();
        try
        {
            for (var repeat = 0; repeat < settings.Repeat; repeat++)
            {
                foreach (var (workers, depth) in runs)
                {
                    var ours = await RunOnceAsync(postgres, redis, workers, depth, settings, Ours, RepositoryLayout.BuiltAssembly("ContentPlatform.Worker"));
                    Report(results, ours);
                    if (settings.BaselineWorker is { } baseline)
                    {
                        Report(results, await RunOnceAsync(postgres, redis, workers, depth, settings, "ours, baseline Worker", baseline));
                    }
                    if (bullMq is not null && depth == 0)
                    {
                        foreach (var mode in new[] { "add", "bulk" })
                        {
                            Report(results, await bullMq.RunAsync(redis, mode, settings.Count, ours.WarmUpJobs, settings.BullMqConcurrency, settings.Producers));
                        }
                    }
                }
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }
        var medians = results.GroupBy(r => (r.Engine, r.Depth, r.Workers)).Select(group => RunResult.Median(group.ToList())).ToList();
        if (settings.Repeat > 1)
        {
            Console.WriteLine();
            Console.WriteLine($"Medians of {settings.Repeat} runs (load average now {MachineCpu.LoadAverage()}):");
            Console.WriteLine();
            Console.WriteLine("| engine | queued before | Worker processes | jobs/s end to end | enqueue jobs/s | p50 enqueue→completed | p99 | Redis commands/job | SQL commits/job | CPU ms/1000 jobs: producer, Worker, PostgreSQL, Redis |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var median in medians)
            {
                Console.WriteLine(Row(median));
            }
        }
        var verdicts = PrintVerdicts(medians, settings);
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under the temp folder.
        }
        return verdicts;
    }

    private static void Report(List<RunResult> results, RunResult result)
    {
        results.Add(result);
        Console.WriteLine(Row(result));
        if (result.Breakdown.Length > 0)
        {
            Console.WriteLine($"  {result.Breakdown}");
        }
    }

    // The performance targets for the engine, judged on the medians: against BullMQ, at least its jobs/s at most its CPU
    // per job; on a deep queue against a shallow one, a job's CPU does not grow beyond the spread of one run against the
    // next on these machines.
    private const double DepthSpread = 1.15;

    private static List<TargetVerdict> PrintVerdicts(IReadOnlyList<RunResult> medians, JobBenchmarkSettings settings)
    {
        static double CpuPerJob(RunResult r) => r.CpuMsPerThousand.Sum();
        var verdicts = new List<TargetVerdict>();
        Console.WriteLine();
        foreach (var ours in medians.Where(r => r.Engine == Ours && r.Depth == 0))
        {
            foreach (var bullMq in medians.Where(r => r.Engine.StartsWith("BullMQ", StringComparison.Ordinal)))
            {
                var speed = ours.Throughput / bullMq.Throughput;
                var cost = CpuPerJob(ours) / CpuPerJob(bullMq);
                var met = speed >= 1 && cost <= 1;
                verdicts.Add(new TargetVerdict($"Engine, {ours.Workers} Worker process(es) against {bullMq.Engine}: ≥ 1.0× its jobs/s at ≤ 1.0× its CPU per job",
                    $"{speed:F2}× ({ours.Throughput:N0} against {bullMq.Throughput:N0} jobs/s) at {cost:F2}×", met));
                Console.WriteLine($"{ours.Workers} Worker process(es) against {bullMq.Engine}: {speed:F2}× its jobs/s at {cost:F2}× its CPU per job; " +
                    $"target ≥ 1.0× at ≤ 1.0×: {(met ? "met" : "not met")}");
            }
        }
        if (settings.Depths.Length > 1)
        {
            var depths = medians.Where(r => r.Engine == Ours).OrderBy(r => r.Depth).ToList();
            var (shallow, deep) = (depths[0], depths[^1]);
            var growth = CpuPerJob(deep) / CpuPerJob(shallow);
            var met = growth <= DepthSpread;
            verdicts.Add(new TargetVerdict($"Depth: a job's CPU at {deep.Depth:N0} queued against {shallow.Depth:N0}, at most {DepthSpread:F2}×",
                $"{growth:F2}× ({CpuPerJob(deep):N0} against {CpuPerJob(shallow):N0} ms per 1,000 jobs)", met));
            Console.WriteLine($"{deep.Depth:N0} queued against {shallow.Depth:N0}: {growth:F2}× the CPU per job, {deep.Throughput / shallow.Throughput:F2}× the jobs/s; " +
                $"target, a job's cost does not grow (at most {DepthSpread:F2}×, the spread between runs): {(met ? "met" : "not met")}");
        }
        return verdicts;
    }

    private static string Row(RunResult r) =>
        $"| {r.Engine} | {r.Depth:N0} | {r.Workers} | {r.Throughput:N0} | {r.EnqueueRate:N0} | {r.P50Ms:N1} ms | {r.P99Ms:N1} ms | " +
        $"{r.RedisCommandsPerJob:N1} | {(double.IsNaN(r.SqlCommitsPerJob) ? "–" : r.SqlCommitsPerJob.ToString("N3"))} | " +
        $"{string.Join(", ", r.CpuMsPerThousand.Select(ms => ms.ToString("N0")))} = {r.CpuMsPerThousand.Sum():N0} |";

    private static async Task<RunResult> RunOnceAsync(PostgresServer postgres, RedisServer redisServer, int workerCount, int depth,
        JobBenchmarkSettings settings, string engine, string workerAssembly)
    {
        var database = $"bench_{Guid.NewGuid():N}"[..30];
        await postgres.CreateDatabaseIfMissingAsync(database, CancellationToken.None);
        var connectionString = postgres.ConnectionStringFor(database);
        var prefix = $"bench{Guid.NewGuid():N}"[..13] + ":";

        using var host = BuildProducer(connectionString, redisServer.ConnectionString, prefix);
        await host.Services.MigrateDatabaseAsync();
        await host.StartAsync();
        var queue = host.Services.GetRequiredService<JobQueue>();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redisServer.ConnectionString + ",allowAdmin=true");
        var keys = new JobKeys(prefix);

        // The reconciler of the Worker that starts first publishes every queued job and then wakes the Workers
        // with "*"; jobs enqueued before it is done would be published twice.
        var reconciled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await admin.GetSubscriber().SubscribeAsync(keys.WakeChannel, (_, message) =>
        {
            if (message == "*")
            {
                reconciled.TrySetResult();
            }
        });
        var workers = Enumerable.Range(0, workerCount)
            .Select(_ => StartWorker(workerAssembly, connectionString, redisServer.ConnectionString, prefix, settings.Concurrency))
            .ToList();
        try
        {
            await reconciled.Task.WaitAsync(TimeSpan.FromMinutes(2));
            if (depth > 0)
            {
                await QueueDepth.FillAsync(connectionString, admin.GetDatabase(), keys, depth);
                await using var vacuum = new NpgsqlConnection(connectionString);
                await vacuum.OpenAsync();
                await new NpgsqlCommand("vacuum analyze jobs", vacuum).ExecuteNonQueryAsync();
                // The fill's dirty pages written now, not by a checkpoint inside the measured window.
                await new NpgsqlCommand("checkpoint", vacuum).ExecuteNonQueryAsync();
            }
            // Each Worker's collections in the measured run, which a Worker's CPU per job includes. Watched from before the
            // warm-up, so that reading the sessions is not compiled here during the run.
            var collections = workers.Select(w => new GarbageCollections(w.Id)).ToList();
            var warmUp = await WarmUpAsync(queue, admin.GetDatabase(), keys, connectionString, settings.Producers, workers.Select(w => w.Id));
            collections.ForEach(c => c.CountFromNow());

            var redisBefore = await CommandStatsAsync(admin);
            var postgresBefore = await PostgresStatsAsync(connectionString, database);
            var cpuBefore = CpuUse.Measure(postgres.Process.Id, redisServer.Process.Id, workers.Select(w => w.Id));
            var startedAt = DateTime.UtcNow;
            var started = Stopwatch.GetTimestamp();
            var enqueued = await EnqueueAndWaitAsync(queue, admin.GetDatabase(), keys, connectionString, settings.Count, settings.Producers);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var cpu = CpuUse.Measure(postgres.Process.Id, redisServer.Process.Id, workers.Select(w => w.Id)) - cpuBefore;
            var collected = await Task.WhenAll(collections.Select(c => c.StopAsync()));
            var (p50, p99) = await LatencyAsync(connectionString, startedAt);
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // PostgreSQL publishes its statistics within a second
            var redisAfter = await CommandStatsAsync(admin);
            var postgresAfter = await PostgresStatsAsync(connectionString, database);

            var redisDelta = redisAfter.ToDictionary(kv => kv.Key, kv => kv.Value - redisBefore.GetValueOrDefault(kv.Key))
                .Where(kv => kv.Value.Calls > 0 && kv.Key is not ("info" or "config"))
                .OrderByDescending(kv => kv.Value.Calls)
                .ToList();
            var count = (double)settings.Count;
            return new RunResult(engine, depth, workerCount.ToString(), warmUp,
                count / elapsed.TotalSeconds,
                count / enqueued.TotalSeconds,
                p50, p99,
                redisDelta.Sum(kv => kv.Value.Calls) / count,
                (postgresAfter.Commits - postgresBefore.Commits) / count,
                cpu.PerThousand(settings.Count),
                "Redis calls per job by command: " +
                string.Join(", ", redisDelta.Select(kv => $"{kv.Key} {kv.Value.Calls / count:N2} ({kv.Value.Microseconds / count:N1} µs)")) +
                $"; PostgreSQL row updates per job: {(postgresAfter.Updates - postgresBefore.Updates) / count:N2}, " +
                $"{100.0 * (postgresAfter.HotUpdates - postgresBefore.HotUpdates) / Math.Max(1, postgresAfter.Updates - postgresBefore.Updates):N0}% of them HOT; " +
                $"the Worker's {string.Join(" | ", collected)}");
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.StopAsync(TimeSpan.FromSeconds(10))));
            await host.StopAsync();
            // A million-job database is not needed again, and would slow the next run's checkpoints.
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync();
            await new NpgsqlCommand($"drop database \"{database}\" with (force)", connection).ExecuteNonQueryAsync();
            // ASYNC: freeing every job's event stream (kept an hour) synchronously can outlast the client's timeout.
            await admin.GetServers().Single().ExecuteAsync("FLUSHALL", "ASYNC");
        }
    }

    // Returns the number of warm-up jobs run: rounds of WarmUp until .NET's tiered compilation settled in every Worker (the
    // producer, this process, compiles once at first call: see the project file).
    private static async Task<int> WarmUpAsync(JobQueue queue, IDatabase redis, JobKeys keys, string connectionString, int producers, IEnumerable<int> workers) =>
        WarmUp * await TieredCompilationCpu.WarmUpAsync(workers, MinWarmUpRounds, MinWarmUpTime, MaxWarmUpRounds,
            rounds => $"{rounds * WarmUp:N0} jobs", () => EnqueueAndWaitAsync(queue, redis, keys, connectionString, WarmUp, producers));

    // Returns how long the enqueueing took; completes when every job has succeeded.
    private static async Task<TimeSpan> EnqueueAndWaitAsync(JobQueue queue, IDatabase redis, JobKeys keys, string connectionString, int count, int producers)
    {
        var started = Stopwatch.GetTimestamp();
        var firstId = VersionSevenFloor(DateTimeOffset.UtcNow);
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                await queue.EnqueueAsync(new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.Session("bench"), new { }), CancellationToken.None);
            }
        }));
        var enqueued = Stopwatch.GetElapsedTime(started);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        while (true)
        {
            // A message leaves the stream only after its job's outcome was committed; watching its length is
            // cheap for every party, where counting rows would tax the PostgreSQL being measured.
            while (await redis.StreamLengthAsync(keys.Stream(DiagnosticHandlers.Noop)) > 0)
            {
                await Task.Delay(5);
            }
            // This run's jobs only, a range of the primary key: anything wider would scan a deep queue's million rows
            // and bill the scan to PostgreSQL's CPU per job.
            await using var pending = new NpgsqlCommand(
                "select count(*) from jobs where id >= @first and status in ('queued', 'running')", connection);
            pending.Parameters.AddWithValue("first", firstId);
            if ((long)(await pending.ExecuteScalarAsync())! == 0)
            {
                return enqueued;
            }
            await Task.Delay(20);
        }
    }

    // The least version 7 id made at or after the time: such ids begin with their Unix time in milliseconds.
    private static Guid VersionSevenFloor(DateTimeOffset time) =>
        Guid.Parse($"{time.ToUnixTimeMilliseconds():x12}".Insert(8, "-") + "-0000-0000-000000000000");

    private static async Task<(double P50, double P99)> LatencyAsync(string connectionString, DateTime since)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select percentile_cont(0.5) within group (order by ms), percentile_cont(0.99) within group (order by ms)
            from (select extract(epoch from completed_at - created_at) * 1000 as ms
                  from jobs where kind = @kind and created_at >= @since and completed_at is not null) measured
            """, connection);
        command.Parameters.AddWithValue("kind", DiagnosticHandlers.Noop);
        command.Parameters.AddWithValue("since", since);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDouble(0), reader.GetDouble(1));
    }

    // Calls and the time Redis spent in them (a script's own time includes the commands it calls).
    private static async Task<Dictionary<string, CommandStat>> CommandStatsAsync(ConnectionMultiplexer admin)
    {
        var info = await admin.GetServers().Single().InfoAsync("commandstats");
        return info.SelectMany(group => group)
            .Where(kv => kv.Key.StartsWith("cmdstat_", StringComparison.Ordinal))
            .ToDictionary(
                kv => kv.Key["cmdstat_".Length..],
                kv => CommandStat.Parse(kv.Value));
    }

    private readonly record struct CommandStat(long Calls, long Microseconds)
    {
        // "calls=3,usec=12,usec_per_call=4.00,rejected_calls=0,failed_calls=0"
        public static CommandStat Parse(string value)
        {
            var fields = value.Split(',').Select(field => field.Split('=')).ToDictionary(pair => pair[0], pair => pair[1]);
            return new(long.Parse(fields["calls"]), long.Parse(fields["usec"]));
        }

        public static CommandStat operator -(CommandStat a, CommandStat b) => new(a.Calls - b.Calls, a.Microseconds - b.Microseconds);
    }

    // Every statement of the engine runs in its own implicit transaction, so commits count statements. A HOT update
    // writes no index entries, so their share tells how much of the row churn reaches the indexes.
    private static async Task<(long Commits, long Updates, long HotUpdates)> PostgresStatsAsync(string connectionString, string database)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select (select xact_commit + xact_rollback from pg_stat_database where datname = @db), n_tup_upd, n_tup_hot_upd " +
            "from pg_stat_user_tables where relname = 'jobs'", connection);
        command.Parameters.AddWithValue("db", database);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    // The settings that decide what a commit costs, so a reader can check they are durable.
    private static async Task PrintServerSettingsAsync(PostgresServer postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select string_agg(name || '=' || setting || coalesce(unit, ''), ', ' order by name) from pg_settings " +
            "where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'commit_delay', 'shared_buffers', 'max_wal_size')",
            connection);
        Console.WriteLine($"PostgreSQL {connection.PostgreSqlVersion}: {await command.ExecuteScalarAsync()}");
    }

    private static IHost BuildProducer(string database, string redis, string prefix)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:contentdb"] = database + ";Maximum Pool Size=200",
            ["ConnectionStrings:redis"] = redis,
            ["Jobs:KeyPrefix"] = prefix,
        });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddContentDatabase();
        builder.AddRedisClient("redis");
        builder.AddJobQueue();
        return builder.Build();
    }

    private static ChildProcess StartWorker(string assembly, string database, string redis, string prefix, int concurrency)
    {
        return ChildProcess.Start(new ChildProcessSpec("dotnet", [assembly])
        {
            Environment = new Dictionary<string, string?>
            {
                ["ConnectionStrings__contentdb"] = database,
                ["ConnectionStrings__redis"] = redis,
                ["Jobs__KeyPrefix"] = prefix,
                ["Jobs__DiagnosticKinds"] = "true",
                ["Jobs__Concurrency"] = concurrency.ToString(),
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Ports.GetFree()}",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        }, Console.WriteLine);
    }
}

internal sealed record RunResult(string Engine, int Depth, string Workers, int WarmUpJobs, double Throughput, double EnqueueRate, double P50Ms, double P99Ms,
    double RedisCommandsPerJob, double SqlCommitsPerJob, double[] CpuMsPerThousand, string Breakdown)
{
    // Each figure's own median: the runs differ in load, not in kind.
    public static RunResult Median(IReadOnlyList<RunResult> runs)
    {
        double Of(Func<RunResult, double> figure)
        {
            var sorted = runs.Select(figure).Order().ToList();
            return sorted[sorted.Count / 2];
        }
        return new RunResult(runs[0].Engine, runs[0].Depth, runs[0].Workers, runs[0].WarmUpJobs, Of(r => r.Throughput), Of(r => r.EnqueueRate),
            Of(r => r.P50Ms), Of(r => r.P99Ms), Of(r => r.RedisCommandsPerJob), Of(r => r.SqlCommitsPerJob),
            runs[0].CpuMsPerThousand.Select((_, i) => Of(r => r.CpuMsPerThousand[i])).ToArray(), "");
    }
}

// CPU time of the benchmark's processes; see ProcessCpu.
internal sealed record CpuUse(TimeSpan Producer, TimeSpan Workers, TimeSpan Postgres, TimeSpan Redis)
{
    public static CpuUse Measure(int postgres, int redis, IEnumerable<int> workers) => new(
        Process.GetCurrentProcess().TotalProcessorTime,
        workers.Aggregate(TimeSpan.Zero, (sum, worker) => sum + ProcessCpu.OfTree(worker)),
        ProcessCpu.OfTree(postgres),
        ProcessCpu.OfTree(redis));

    public static CpuUse operator -(CpuUse a, CpuUse b) =>
        new(a.Producer - b.Producer, a.Workers - b.Workers, a.Postgres - b.Postgres, a.Redis - b.Redis);

    public double[] PerThousand(int jobs) =>
        [.. new[] { Producer, Workers, Postgres, Redis }.Select(t => t.TotalMilliseconds * 1000 / jobs)];
}
