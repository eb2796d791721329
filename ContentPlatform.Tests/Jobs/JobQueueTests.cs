using ContentPlatform.Data.Entities;
using ContentPlatform.Jobs;
using ContentPlatform.Jobs.Diagnostics;
using ContentPlatform.Tests.Infrastructure;
using Npgsql;

namespace ContentPlatform.Tests.Jobs;

// The producer side on its own (as in the Api), with a Worker started only where a test needs one.
public sealed class JobQueueTests : IAsyncLifetime
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private TestServers _servers = null!;
    private string _database = null!;
    private JobEngineHost _api = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.GetAsync();
        _database = await _servers.CreateDatabaseAsync("jobs");
        _api = await JobEngineHost.StartAsync(_database, _servers.Redis.ConnectionString, _prefix);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Twenty_concurrent_enqueues_for_one_subject_create_exactly_one_job()
    {
        var subject = Guid.NewGuid();
        var request = new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.Session("s"), new { }) { SubjectId = subject };

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _api.Queue.EnqueueAsync(request, default)));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Job.Id).Distinct());
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from jobs where subject_id = @s", connection);
        count.Parameters.AddWithValue("s", subject);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
        Assert.Equal(1L, await _api.Redis.StreamLengthAsync($"{_prefix}stream:{DiagnosticHandlers.Noop}"));
    }

    [Fact]
    public async Task Cancelling_a_queued_job_removes_it_and_it_never_runs()
    {
        var (delayed, _) = await _api.Queue.EnqueueAsync(
            new EnqueueRequest(DiagnosticHandlers.Sleep, JobOwner.Session("s"), new SleepPayload(0)) { Delay = TimeSpan.FromMilliseconds(300) }, default);
        var (ready, _) = await _api.Queue.EnqueueAsync(
            new EnqueueRequest(DiagnosticHandlers.Sleep, JobOwner.Session("s"), new SleepPayload(0)), default);

        Assert.Equal(CancelOutcome.Cancelled, (await _api.Queue.CancelAsync(delayed.Id, default)).Outcome);
        Assert.Equal(CancelOutcome.Cancelled, (await _api.Queue.CancelAsync(ready.Id, default)).Outcome);
        Assert.Equal(CancelOutcome.NotFound, (await _api.Queue.CancelAsync(Guid.NewGuid(), default)).Outcome);
        Assert.Equal(0, await _api.Redis.SortedSetLengthAsync($"{_prefix}delayed:{DiagnosticHandlers.Sleep}"));

        // A Worker arriving later finds the leftover message of the ready job and drops it.
        await using var worker = await JobEngineHost.StartAsync(_database, _servers.Redis.ConnectionString, _prefix,
            w => w.AddDiagnosticHandlers());
        var probe = (await _api.Queue.EnqueueAsync(new EnqueueRequest(DiagnosticHandlers.Sleep, JobOwner.Session("s"), new SleepPayload(0)), default)).Job;
        await worker.WaitForAsync(probe.Id, j => j.Status == JobStatus.Succeeded);
        // A delayed probe due after the cancelled delayed job has run: the Worker has been past that job's time.
        var delayedProbe = (await _api.Queue.EnqueueAsync(
            new EnqueueRequest(DiagnosticHandlers.Sleep, JobOwner.Session("s"), new SleepPayload(0)) { Delay = TimeSpan.FromMilliseconds(300) }, default)).Job;
        await worker.WaitForAsync(delayedProbe.Id, j => j.Status == JobStatus.Succeeded);
        foreach (var id in new[] { delayed.Id, ready.Id })
        {
            var row = (await _api.GetJobAsync(id))!;
            Assert.Equal(JobStatus.Failed, row.Status);
            Assert.Equal("Cancelled", row.Error);
            Assert.Equal(0, row.Attempts);
            Assert.Null(row.StartedAt);
        }
        Assert.Equal(0, await _api.Redis.StreamLengthAsync($"{_prefix}stream:{DiagnosticHandlers.Sleep}"));
    }

    [Fact]
    public async Task A_stream_entry_whose_row_is_missing_or_no_longer_queued_is_dropped_without_running_anything()
    {
        await using var worker = await JobEngineHost.StartAsync(_database, _servers.Redis.ConnectionString, _prefix,
            w => w.AddDiagnosticHandlers());
        var done = (await _api.Queue.EnqueueAsync(new EnqueueRequest(DiagnosticHandlers.Sleep, JobOwner.Session("s"), new SleepPayload(0)), default)).Job;
        await worker.WaitForAsync(done.Id, j => j.Status == JobStatus.Succeeded);
        // An enqueue that gave up on a timed-out XADD deleted its row, yet the XADD may land once Redis thaws; and a
        // message may come twice (republished by the reconciler).
        var stream = $"{_prefix}stream:{DiagnosticHandlers.Sleep}";
        await _api.Redis.StreamAddAsync(stream, JobMessage.Fields(Guid.CreateVersion7(), null, null));
        await _api.Redis.StreamAddAsync(stream, JobMessage.Fields(done.Id, null, null));

        var probe = (await _api.Queue.EnqueueAsync(new EnqueueRequest(DiagnosticHandlers.Sleep, JobOwner.Session("s"), new SleepPayload(0)), default)).Job;
        await worker.WaitForAsync(probe.Id, j => j.Status == JobStatus.Succeeded);

        await Eventually.TrueAsync(async () => await _api.Redis.StreamLengthAsync(stream) == 0, "the stray entries to be dropped");
        Assert.Equal(0, (await _api.Redis.StreamPendingAsync(stream, "workers")).PendingMessageCount);
        Assert.Equal(0, await _api.Redis.StreamLengthAsync($"{_prefix}dead-letter"));
        var row = (await _api.GetJobAsync(done.Id))!;
        Assert.Equal(JobStatus.Succeeded, row.Status);
        Assert.Equal(1, row.Attempts);
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from jobs", connection);
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Enqueue_while_Redis_is_unreachable_throws_JobQueueUnavailable_and_leaves_no_row()
    {
        var unreachable = $"127.0.0.1:{TestServers.FreePort()},connectTimeout=500";
        await using var api = await JobEngineHost.StartAsync(_database, unreachable, _prefix);
        var request = new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.Session("unreachable"), new { });

        await Assert.ThrowsAsync<JobQueueUnavailableException>(() => api.Queue.EnqueueAsync(request, default));

        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from jobs where session_id = 'unreachable'", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Bad_requests_are_refused_before_anything_is_written()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _api.Queue.EnqueueAsync(new EnqueueRequest("", JobOwner.Session("s"), new { }), default));
        await Assert.ThrowsAsync<ArgumentException>(() => _api.Queue.EnqueueAsync(new EnqueueRequest("k", new JobOwner(null, null), new { }), default));
        await Assert.ThrowsAsync<ArgumentException>(() => _api.Queue.EnqueueAsync(new EnqueueRequest("k", JobOwner.Session(new string('s', 500)), new { }), default));
    }
}
