using System.Text.Json;
using ContentPlatform.Data.Entities;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Servers;
using ContentPlatform.Jobs;
using ContentPlatform.Jobs.Diagnostics;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace ContentPlatform.Tests.Jobs;

[Collection(Infrastructure.RealProcesses.Name)]
public sealed class JobRecoveryTests(ITestOutputHelper output)
{
    private static EnqueueRequest Sleep(int milliseconds, int steps = 1) =>
        new(DiagnosticHandlers.Sleep, JobOwner.Session("recovery"), new SleepPayload(milliseconds, steps));

    [Fact]
    public async Task A_job_whose_worker_process_is_killed_is_finished_by_another_worker_and_its_result_written_once()
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("jobs");
        var prefix = $"t{Guid.NewGuid():N}:";
        var settings = new Dictionary<string, string?> { ["Jobs:VisibilityTimeout"] = "00:00:01.500", ["Jobs:Concurrency"] = "4" };
        await using var api = await JobEngineHost.StartAsync(database, servers.Redis.ConnectionString, prefix);
        // Long enough that the kill lands mid-job even when a loaded machine slows the test down.
        var (job, _) = await api.Queue.EnqueueAsync(Sleep(10_000, steps: 100), default);

        await using var first = WorkerProcess.Start(database, servers.Redis.ConnectionString, prefix, settings, line => output.WriteLine("first: " + line));
        await api.WaitForAsync(job.Id, j => j.Status == JobStatus.Running && j.Progress > 0);
        first.Signal(Signals.Kill);
        await first.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        await using var second = WorkerProcess.Start(database, servers.Redis.ConnectionString, prefix, settings, line => output.WriteLine("second: " + line));
        var row = await api.WaitForEndAsync(job.Id, TimeSpan.FromSeconds(90));

        Assert.Equal(JobStatus.Succeeded, row.Status);
        Assert.Equal(2, row.Attempts);
        var result = JsonSerializer.Deserialize<SleepResult>(row.Result!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(second.Id, result.ProcessId);
        Assert.Equal(2, result.Attempt);
        // The terminal event is published just after the row's commit (a reader of the job's events may even be
        // answered from the row before it lands): wait for it in Redis itself before counting.
        async Task<int> TerminalEventsAsync() => (await api.Redis.StreamRangeAsync($"{prefix}events:{job.Id:N}"))
            .Count(e => e["type"] == JobEventTypes.Succeeded);
        await Eventually.TrueAsync(async () => await TerminalEventsAsync() > 0, "the terminal event in Redis");
        Assert.Equal(1, await TerminalEventsAsync());
    }

    [Fact]
    public async Task Two_workers_never_run_the_same_job_at_once_even_when_jobs_outlast_the_visibility_timeout()
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("jobs");
        var prefix = $"t{Guid.NewGuid():N}:";
        // Each job runs for several visibility timeouts: the other worker's reclaim loop (every half timeout) would take
        // it over, and run it a second time, unless the running worker keeps renewing its hold.
        var settings = new Dictionary<string, string?> { ["Jobs:VisibilityTimeout"] = "00:00:00.600" };
        var counts = new RunCounts();
        await using var one = await JobEngineHost.StartAsync(database, servers.Redis.ConnectionString, prefix,
            w => w.AddHandler<CountingHandler>(CountingHandler.Kind), settings, host => host.Services.AddSingleton(counts));
        await using var two = await JobEngineHost.StartAsync(database, servers.Redis.ConnectionString, prefix,
            w => w.AddHandler<CountingHandler>(CountingHandler.Kind), settings, host => host.Services.AddSingleton(counts));
        var tag = Guid.NewGuid().ToString("N");

        var jobs = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? one : two).Queue.EnqueueAsync(
            new EnqueueRequest(CountingHandler.Kind, JobOwner.Session("two"), new TestPayload(tag, Milliseconds: 2_000)), default)));
        foreach (var (job, _) in jobs)
        {
            Assert.Equal(JobStatus.Succeeded, (await one.WaitForEndAsync(job.Id)).Status);
        }

        Assert.All(jobs, j => Assert.Equal(1, counts.Runs[j.Job.Id]));
        Assert.Equal(0, counts.Overlaps);
    }

    [Fact]
    public async Task A_message_delivered_more_than_the_maximum_fails_its_job_and_goes_to_the_dead_letter_stream()
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("jobs");
        var prefix = $"t{Guid.NewGuid():N}:";
        var settings = new Dictionary<string, string?> { ["Jobs:MaxDeliveries"] = "3", ["Jobs:VisibilityTimeout"] = "00:00:00.500" };
        await using var api = await JobEngineHost.StartAsync(database, servers.Redis.ConnectionString, prefix);
        var (job, _) = await api.Queue.EnqueueAsync(Sleep(0), default);
        var stream = $"{prefix}stream:{DiagnosticHandlers.Sleep}";
        // Three Workers already took this message and died with it (as a message that crashes its Worker would).
        await api.Redis.ExecuteAsync("XGROUP", "CREATE", stream, "workers", "0", "MKSTREAM");
        var entries = await api.Redis.StreamReadGroupAsync(stream, "workers", "crashed-worker", ">", 1);
        await api.Redis.ExecuteAsync("XCLAIM", stream, "workers", "crashed-worker", "0", entries.Single().Id.ToString(), "RETRYCOUNT", "3");
        // Redis kept its data all along (the reconciler has been here), so nothing is published again.
        await api.Redis.StringSetAsync($"{prefix}sentinel", "set");

        await using var worker = await JobEngineHost.StartAsync(database, servers.Redis.ConnectionString, prefix,
            w => w.AddDiagnosticHandlers(), settings);
        var row = await api.WaitForEndAsync(job.Id);

        Assert.Equal(JobStatus.Failed, row.Status);
        Assert.Equal(JobErrors.PoisonCode, row.ErrorCode);
        Assert.Contains("delivered 4 times", row.Error);
        Assert.Equal(0, row.Attempts);
        // The row fails first (so the job can never be lost), then the message moves: give it a moment.
        var dead = await api.Redis.StreamRangeAsync($"{prefix}dead-letter");
        for (var wait = 0; dead.Length == 0 && wait < 100; wait++)
        {
            await Task.Delay(50);
            dead = await api.Redis.StreamRangeAsync($"{prefix}dead-letter");
        }
        Assert.Equal(job.Id.ToString("N"), (string?)Assert.Single(dead)["id"]);
        Assert.Equal(0, (await api.Redis.StreamPendingAsync(stream, "workers")).PendingMessageCount);
    }

    [Fact]
    public async Task After_Redis_loses_its_data_queued_and_delayed_jobs_are_published_again_and_all_complete()
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("jobs");
        var prefix = $"t{Guid.NewGuid():N}:";
        // A Redis of its own: FLUSHALL would wipe other tests' queues.
        var root = TestServers.NewTempDirectory("flush-redis");
        await using var redis = await RedisServer.StartAsync(
            new RedisServerOptions(root, TestServers.FreePort(), "pw") { Durable = false }, null, CancellationToken.None);
        await using var api = await JobEngineHost.StartAsync(database, redis.ConnectionString, prefix);
        // More than the reconciler publishes at once (a page of 1,000, read from one statement).
        var ready = await Task.WhenAll(Enumerable.Range(0, 2_500).Select(_ => api.Queue.EnqueueAsync(Sleep(0), default)));
        var delayed = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            api.Queue.EnqueueAsync(Sleep(0) with { Delay = TimeSpan.FromSeconds(1) }, default)));
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true"))
        {
            await admin.GetServers().Single().FlushAllDatabasesAsync();
        }

        await using var worker = await JobEngineHost.StartAsync(database, redis.ConnectionString, prefix, w => w.AddDiagnosticHandlers());

        foreach (var (job, _) in ready.Concat(delayed))
        {
            var row = await api.WaitForEndAsync(job.Id);
            Assert.Equal(JobStatus.Succeeded, row.Status);
            Assert.True(row.StartedAt >= row.ScheduledFor);
        }

        // And again while the Worker runs: the periodic reconciliation notices.
        var late = (await api.Queue.EnqueueAsync(Sleep(0) with { Delay = TimeSpan.FromSeconds(1) }, default)).Job;
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true"))
        {
            await admin.GetServers().Single().FlushAllDatabasesAsync();
        }
        Assert.Equal(JobStatus.Succeeded, (await api.WaitForEndAsync(late.Id)).Status);
    }

    [Fact]
    public async Task After_Redis_restarts_without_the_last_messages_it_acknowledged_those_jobs_are_published_again_and_complete()
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("jobs");
        var prefix = $"t{Guid.NewGuid():N}:";
        var options = new RedisServerOptions(TestServers.NewTempDirectory("restart-redis"), TestServers.FreePort(), "pw");
        Job ready, delayed;
        await using (var redis = await RedisServer.StartAsync(options, null, CancellationToken.None))
        {
            // A Worker without handlers: its reconciler looks at Redis, and the jobs wait.
            await using var api = await JobEngineHost.StartAsync(database, redis.ConnectionString, prefix, _ => { });
            await Eventually.TrueAsync(async () => (await api.Redis.StringGetAsync($"{prefix}sentinel")).HasValue, "the reconciler's first look");
            ready = (await api.Queue.EnqueueAsync(Sleep(0), default)).Job;
            delayed = (await api.Queue.EnqueueAsync(Sleep(0) with { Delay = TimeSpan.FromSeconds(1) }, default)).Job;
            // Acknowledged, then missing from the append-only file when Redis comes back after a machine crash; the
            // sentinel, written long before, is still there.
            await api.Redis.KeyDeleteAsync([$"{prefix}stream:{DiagnosticHandlers.Sleep}", $"{prefix}delayed:{DiagnosticHandlers.Sleep}"]);
        }

        await using var restarted = await RedisServer.StartAsync(options, null, CancellationToken.None);
        await using (var look = await ConnectionMultiplexer.ConnectAsync(restarted.ConnectionString))
        {
            Assert.True((await look.GetDatabase().StringGetAsync($"{prefix}sentinel")).HasValue, "the sentinel came back with the data");
        }
        await using var worker = await JobEngineHost.StartAsync(database, restarted.ConnectionString, prefix, w => w.AddDiagnosticHandlers());

        foreach (var job in new[] { ready, delayed })
        {
            var row = await worker.WaitForEndAsync(job.Id);
            Assert.Equal(JobStatus.Succeeded, row.Status);
            Assert.Equal(1, row.Attempts);
        }
    }
}
