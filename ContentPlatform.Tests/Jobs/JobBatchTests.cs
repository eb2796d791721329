using ContentPlatform.Data.Entities;
using ContentPlatform.Jobs;
using ContentPlatform.Jobs.Diagnostics;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace ContentPlatform.Tests.Jobs;

// The batch paths: jobs enqueued together are published together, finished together, announced together,
// and the batched statements stay as cheap on a deep queue as on an empty one.
public sealed class JobBatchTests
{
    [Fact]
    public async Task Jobs_run_together_are_announced_together_and_every_reader_gets_its_terminal_event()
    {
        var servers = await TestServers.GetAsync();
        var prefix = $"t{Guid.NewGuid():N}:";
        await using var engine = await JobEngineHost.StartAsync(
            await servers.CreateDatabaseAsync("jobs"), servers.Redis.ConnectionString, prefix, w => w.AddDiagnosticHandlers(),
            settings: new Dictionary<string, string?> { ["Jobs:Concurrency"] = "128" });
        var announcements = new List<string>();
        await using var listener = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal($"{prefix}job-events"), (_, message) =>
        {
            lock (announcements)
            {
                announcements.Add(message.ToString());
            }
        });

        var jobs = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            engine.Queue.EnqueueAsync(new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.Session("batch"), new { }), default)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var (job, _) in jobs)
        {
            await foreach (var jobEvent in engine.Events.ReadAsync(job.Id, null, timeout.Token))
            {
                if (jobEvent.IsTerminal)
                {
                    Assert.Equal(JobEventTypes.Succeeded, jobEvent.Type);
                }
            }
            Assert.Equal(JobStatus.Succeeded, (await engine.GetJobAsync(job.Id))!.Status);
        }

        // One notification names every job of a finished batch, one id per line. Our own subscriber may hear
        // the last ones a little after the engine's readers did.
        HashSet<string> Announced()
        {
            lock (announcements)
            {
                return announcements.SelectMany(a => a.Split('\n')).ToHashSet();
            }
        }
        for (var wait = 0; wait < 100 && !jobs.All(j => Announced().Contains(j.Job.Id.ToString("N"))); wait++)
        {
            await Task.Delay(100);
        }
        var announced = Announced();
        Assert.All(jobs, j => Assert.Contains(j.Job.Id.ToString("N"), announced));
        lock (announcements)
        {
            Assert.True(announcements.Count < jobs.Length, $"{jobs.Length} jobs were announced in {announcements.Count} notifications");
        }
    }

    [Theory]
    [InlineData(50)]
    [InlineData(500)]
    public async Task Claims_and_finishes_find_their_rows_by_primary_key_however_deep_the_queue_and_stale_the_statistics(int batch)
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("jobs");
        await using (await JobEngineHost.StartAsync(database, servers.Redis.ConnectionString, $"t{Guid.NewGuid():N}:"))
        {
            // The engine host has created the schema.
        }
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // Statistics taken when no job was queued or running, then a deep queue: the situation of a busy system
        // between two autovacuum runs, where the planner puts the queued and running rows at ~1 and, left to itself,
        // reads every one of them for every claim or nests the whole batch inside each.
        await Execute(connection, """
            insert into jobs (id, kind, session_id, status, progress, payload, attempts, max_attempts, scheduled_for, created_at, updated_at)
            select gen_random_uuid(), 'done', 's', 'succeeded', 100, '{}', 1, 3, now(), now(), now() from generate_series(1, 2000) g
            """);
        await Execute(connection, "analyze jobs");
        await Execute(connection, """
            insert into jobs (id, kind, session_id, status, progress, payload, attempts, max_attempts, scheduled_for, created_at, updated_at)
            select gen_random_uuid(), 'deep', 's', case when g % 10 = 0 then 'running' else 'queued' end, 0, '{}', 1, 3, now(), now(), now()
            from generate_series(1, 100000) g
            """);
        var ids = new List<Guid>();
        await using (var select = new NpgsqlCommand($"select id from jobs where kind = 'deep' order by random() limit {batch}", connection))
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        var claim = await ExplainAsync(connection, JobStore.ClaimSql,
            Array("id", NpgsqlDbType.Uuid, ids),
            Array("reclaimed", NpgsqlDbType.Boolean, ids.Select(_ => false)));
        var finish = await ExplainAsync(connection, JobStore.FinishSql,
            Array("id", NpgsqlDbType.Uuid, ids),
            Array("attempt", NpgsqlDbType.Integer, ids.Select(_ => 1)),
            Array("status", NpgsqlDbType.Text, ids.Select(_ => JobStatus.Succeeded)),
            Array("result", NpgsqlDbType.Text, ids.Select(_ => (string?)null)),
            Array("error", NpgsqlDbType.Text, ids.Select(_ => (string?)null)),
            Array("error_code", NpgsqlDbType.Text, ids.Select(_ => (string?)null)),
            Array("delay", NpgsqlDbType.Double, ids.Select(_ => 0.0)));
        foreach (var plan in new[] { claim, finish })
        {
            Assert.True(plan.Contains("Hash Join") && !plan.Contains("Nested Loop"), plan);
            Assert.True(plan.Contains("Index Cond: (id = ANY") && !plan.Contains("Seq Scan on jobs"), plan);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // As JobStore runs a batch: in a transaction, with its plan settings.
    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await Execute(connection, JobStore.BatchPlanSettings);
        await using var command = new NpgsqlCommand("explain " + sql, connection);
        command.Parameters.AddRange(parameters);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join('\n', lines);
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };
}
