using ContentPlatform.Hosting.Processes;
using ContentPlatform.Data.Entities;
using ContentPlatform.Hosting.Servers;
using ContentPlatform.Jobs;
using ContentPlatform.Tests.Infrastructure;
using StackExchange.Redis;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.Jobs;

// A backing server frozen whole (SIGSTOP on it and its children) under a Worker with jobs queued and in flight:
// once it thaws every job runs to success exactly once, with its attempts not spent on the outage. Each test
// freezes a server of its own (FrozenServer), never the shared ones. Without the Worker's DatabaseGate the PostgreSQL
// case fails: the jobs in flight at the freeze cannot write their outcome, their messages are taken over after the
// visibility timeout, and they run a second time (checked by disabling the gate).
[Collection(RealProcesses.Name)]
public sealed class JobOutageTests
{
    // Several visibility timeouts, and longer than the command timeout: long enough for messages to be taken over
    // again and again, and for statements to fail rather than merely wait.
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Jobs:Concurrency"] = "8",
        ["Jobs:VisibilityTimeout"] = "00:00:01.500",
        ["Jobs:MaxDeliveries"] = "2",
        ["Jobs:MaxAttempts"] = "3",
    };

    [Fact]
    public async Task Jobs_queued_and_in_flight_while_PostgreSQL_is_frozen_run_exactly_once_after_it_thaws_without_spending_attempts()
    {
        var servers = await TestServers.GetAsync();
        await using var postgres = await PostgresServer.StartAsync(
            new PostgresServerOptions(TestServers.NewTempDirectory("outage-postgres"), TestServers.FreePort(), "outage") { Durable = false },
            onOutput: null, CancellationToken.None);
        await postgres.CreateDatabaseIfMissingAsync("jobs", CancellationToken.None);
        // Short timeouts, so that statements to the frozen server fail within the outage.
        var database = postgres.ConnectionStringFor("jobs") + ";Timeout=2;Command Timeout=1;Cancellation Timeout=500";
        var prefix = $"t{Guid.NewGuid():N}:";
        var counts = new RunCounts();
        await using var engine = await JobEngineHost.StartAsync(database, servers.Redis.ConnectionString, prefix,
            w => w.AddHandler<CountingHandler>(CountingHandler.Kind), Settings, host => host.Services.AddSingleton(counts));
        var jobs = await EnqueueAsync(engine, 40);
        await Eventually.TrueAsync(() => !counts.Runs.IsEmpty, "a first job to start");

        await FreezeAsync(postgres.Process);

        await AssertEachSucceededOnceAsync(engine, jobs, counts);
        Assert.Equal(0, await engine.Redis.StreamLengthAsync($"{prefix}dead-letter"));
    }

    [Fact]
    public async Task Jobs_queued_and_in_flight_while_Redis_is_frozen_run_exactly_once_after_it_thaws_each_with_its_terminal_event()
    {
        var servers = await TestServers.GetAsync();
        await using var redis = await RedisServer.StartAsync(
            new RedisServerOptions(TestServers.NewTempDirectory("outage-redis"), TestServers.FreePort(), "outage") { Durable = false },
            onOutput: null, CancellationToken.None);
        var prefix = $"t{Guid.NewGuid():N}:";
        var counts = new RunCounts();
        await using var engine = await JobEngineHost.StartAsync(await servers.CreateDatabaseAsync("jobs"), redis.ConnectionString, prefix,
            w => w.AddHandler<CountingHandler>(CountingHandler.Kind), Settings, host => host.Services.AddSingleton(counts));
        // Each job reports progress as it starts, so the jobs that started before the freeze have an event stream for
        // their terminal event; those whose report met the frozen server run on without one.
        var jobs = await EnqueueAsync(engine, 40, reportsProgress: true);
        await Eventually.TrueAsync(() => !counts.Runs.IsEmpty, "a first job to start");

        await FreezeAsync(redis.Process);

        await AssertEachSucceededOnceAsync(engine, jobs, counts);
        // Outcomes committed while Redis was away still announce themselves, once.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var job in jobs)
        {
            var read = new List<JobEvent>();
            await foreach (var jobEvent in engine.Events.ReadAsync(job.Id, null, timeout.Token))
            {
                read.Add(jobEvent);
            }
            Assert.Equal(JobEventTypes.Succeeded, Assert.Single(read, e => e.IsTerminal).Type);
            // The reader may have taken the end from the row while the Worker's Finish still waits to try Redis again.
            async Task<StreamEntry[]> StreamAsync() => await engine.Redis.StreamRangeAsync($"{prefix}events:{job.Id:N}");
            async Task<bool> NoStreamOrEndedAsync()
            {
                var entries = await StreamAsync();
                return entries.Length == 0 || entries.Any(e => e["type"] == JobEventTypes.Succeeded);
            }
            await Eventually.TrueAsync(NoStreamOrEndedAsync, $"the end of job {job.Id} in its event stream");
            var stream = await StreamAsync();
            Assert.True(stream.Count(e => e["type"] == JobEventTypes.Succeeded) == (stream.Length > 0 ? 1 : 0),
                $"job {job.Id}'s event stream: {string.Join(", ", stream.Select(e => (string?)e["type"]))}");
        }
    }

    private static async Task FreezeAsync(ChildProcess server)
    {
        using (FrozenServer.Freeze(server))
        {
            await Task.Delay(Outage);
        }
    }

    private static async Task<Job[]> EnqueueAsync(JobEngineHost engine, int count, bool reportsProgress = false)
    {
        var tag = Guid.NewGuid().ToString("N");
        var enqueued = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => engine.Queue.EnqueueAsync(
            new EnqueueRequest(CountingHandler.Kind, JobOwner.Session("outage"), new TestPayload(tag, Milliseconds: 500, ReportsProgress: reportsProgress)), default)));
        return enqueued.Select(e => e.Job).ToArray();
    }

    private static async Task AssertEachSucceededOnceAsync(JobEngineHost engine, Job[] jobs, RunCounts counts)
    {
        foreach (var job in jobs)
        {
            var row = await engine.WaitForEndAsync(job.Id, TimeSpan.FromSeconds(120));
            Assert.True(row.Status == JobStatus.Succeeded, $"job {job.Id} is {row.Status}: {row.Error}");
            Assert.True(row.Attempts < row.MaxAttempts, $"job {job.Id} spent {row.Attempts} of {row.MaxAttempts} attempts");
            Assert.Equal(1, counts.Runs[job.Id]);
        }
    }
}
