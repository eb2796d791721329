using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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

internal sealed record JobBenchmarkSettings(int Count, int[] Workers, int Concurrency, int Producers);

// No-op jobs end to end through the engine: enqueued here (JobQueue, in-process, as the Api does), run by
// real ContentPlatform.Worker processes, every job a durable PostgreSQL row from enqueue to completion.
internal static class JobBenchmark
{
    private const int WarmUp = 1000;

    public static async Task RunAsync(JobBenchmarkSettings settings)
    {
        var root = Path.Combine(Path.GetTempPath(), "contentplatform-bench", Guid.NewGuid().ToString("N"));
        var password = Guid.NewGuid().ToString("N");
        Console.WriteLine("Starting PostgreSQL (durable commits) and Redis ...");
        await using var postgres = await PostgresServer.StartAsync(
            new PostgresServerOptions(Path.Combine(root, "postgres"), FreePort(), password), null, CancellationToken.None);
        await using var redis = await RedisServer.StartAsync(
            new RedisServerOptions(Path.Combine(root, "redis"), FreePort(), password) { Durable = false }, null, CancellationToken.None);
        Console.WriteLine($"{settings.Count} no-op jobs per run, {settings.Producers} concurrent producers, concurrency {settings.Concurrency} per Worker process, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| Worker processes | jobs/s end to end | enqueue jobs/s | p50 enqueue→completed | p99 | Redis commands/job | SQL statements/job | rows written/job |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        try
        {
            foreach (var workers in settings.Workers)
            {
                var result = await RunOnceAsync(postgres, redis, workers, settings);
                Console.WriteLine(
                    $"| {workers} | {result.Throughput:N0} | {result.EnqueueRate:N0} | {result.P50Ms:N1} ms | {result.P99Ms:N1} ms | " +
                    $"{result.RedisCommandsPerJob:N1} | {result.SqlStatementsPerJob:N2} | {result.RowsWrittenPerJob:N2} |");
                Console.WriteLine($"  Redis calls per job by command: {result.RedisBreakdown}");
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it lives under the temp folder.
        }
    }

    private sealed record RunResult(double Throughput, double EnqueueRate, double P50Ms, double P99Ms,
        double RedisCommandsPerJob, double SqlStatementsPerJob, double RowsWrittenPerJob, string RedisBreakdown);

    private static async Task<RunResult> RunOnceAsync(PostgresServer postgres, RedisServer redisServer, int workerCount, JobBenchmarkSettings settings)
    {
        var database = $"bench_{workerCount}_{Guid.NewGuid():N}"[..30];
        await postgres.CreateDatabaseIfMissingAsync(database, CancellationToken.None);
        var connectionString = postgres.ConnectionStringFor(database);
        var prefix = $"bench{workerCount}:";

        using var host = BuildProducer(connectionString, redisServer.ConnectionString, prefix);
        await host.Services.MigrateDatabaseAsync();
        await host.StartAsync();
        var queue = host.Services.GetRequiredService<JobQueue>();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redisServer.ConnectionString + ",allowAdmin=true");

        var workers = Enumerable.Range(0, workerCount)
            .Select(_ => StartWorker(connectionString, redisServer.ConnectionString, prefix, settings.Concurrency))
            .ToList();
        try
        {
            await EnqueueAndWaitAsync(queue, connectionString, WarmUp, settings.Producers);

            var redisBefore = await CommandStatsAsync(admin);
            var pgBefore = await DatabaseStatsAsync(connectionString, database);
            var started = Stopwatch.GetTimestamp();
            var enqueued = await EnqueueAndWaitAsync(queue, connectionString, settings.Count, settings.Producers);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var (p50, p99) = await LatencyAsync(connectionString, WarmUp);
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // PostgreSQL publishes its statistics within a second
            var redisAfter = await CommandStatsAsync(admin);
            var pgAfter = await DatabaseStatsAsync(connectionString, database);

            var redisDelta = redisAfter.ToDictionary(kv => kv.Key, kv => kv.Value - redisBefore.GetValueOrDefault(kv.Key))
                .Where(kv => kv.Value > 0 && kv.Key is not ("info" or "config"))
                .OrderByDescending(kv => kv.Value)
                .ToList();
            var count = (double)settings.Count;
            return new RunResult(
                count / elapsed.TotalSeconds,
                count / enqueued.TotalSeconds,
                p50, p99,
                redisDelta.Sum(kv => kv.Value) / count,
                (pgAfter.Transactions - pgBefore.Transactions) / count,
                (pgAfter.RowsWritten - pgBefore.RowsWritten) / count,
                string.Join(", ", redisDelta.Select(kv => $"{kv.Key} {kv.Value / count:N2}")));
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.StopAsync(TimeSpan.FromSeconds(10))));
            await host.StopAsync();
        }
    }

    // Returns how long the enqueueing took; completes when every job has succeeded.
    private static async Task<TimeSpan> EnqueueAndWaitAsync(JobQueue queue, string connectionString, int count, int producers)
    {
        var started = Stopwatch.GetTimestamp();
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
            await using var pending = new NpgsqlCommand("select count(*) from jobs where status in ('queued', 'running')", connection);
            if ((long)(await pending.ExecuteScalarAsync())! == 0)
            {
                return enqueued;
            }
            await Task.Delay(20);
        }
    }

    private static async Task<(double P50, double P99)> LatencyAsync(string connectionString, int skipWarmUp)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select percentile_cont(0.5) within group (order by ms), percentile_cont(0.99) within group (order by ms)
            from (select extract(epoch from completed_at - created_at) * 1000 as ms
                  from jobs order by created_at offset @skip) measured
            """, connection);
        command.Parameters.AddWithValue("skip", skipWarmUp);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDouble(0), reader.GetDouble(1));
    }

    private static async Task<Dictionary<string, long>> CommandStatsAsync(ConnectionMultiplexer admin)
    {
        var info = await admin.GetServers().Single().InfoAsync("commandstats");
        return info.SelectMany(group => group)
            .Where(kv => kv.Key.StartsWith("cmdstat_", StringComparison.Ordinal))
            .ToDictionary(
                kv => kv.Key["cmdstat_".Length..],
                kv => long.Parse(kv.Value.Split(',')[0]["calls=".Length..]));
    }

    // Every statement of the engine runs in its own implicit transaction, so commits count statements.
    private static async Task<(long Transactions, long RowsWritten)> DatabaseStatsAsync(string connectionString, string database)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted from pg_stat_database where datname = @db", connection);
        command.Parameters.AddWithValue("db", database);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
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
        builder.AddNpgsqlDbContext<ContentDbContext>("contentdb", ContentDbContext.UseConventions);
        builder.AddRedisClient("redis");
        builder.AddJobQueue();
        return builder.Build();
    }

    private static ChildProcess StartWorker(string database, string redis, string prefix, int concurrency)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ContentPlatform.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("ContentPlatform.sln not found above " + AppContext.BaseDirectory);
        }
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(root.FullName, "ContentPlatform.Worker", "bin", configuration, "net10.0", "ContentPlatform.Worker.dll");
        return ChildProcess.Start(new ChildProcessSpec("dotnet", [dll])
        {
            Environment = new Dictionary<string, string?>
            {
                ["ConnectionStrings__contentdb"] = database,
                ["ConnectionStrings__redis"] = redis,
                ["Jobs__KeyPrefix"] = prefix,
                ["Jobs__DiagnosticKinds"] = "true",
                ["Jobs__Concurrency"] = concurrency.ToString(),
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}",
                ["Logging__LogLevel__Default"] = "Warning",
                ["DOTNET_gcServer"] = "0",
            },
        }, Console.WriteLine);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
