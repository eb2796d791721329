using System.Text.Json;
using ContentPlatform.Data.Entities;
using ContentPlatform.Jobs;
using ContentPlatform.Jobs.Diagnostics;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ContentPlatform.Tests.Jobs;

public sealed class JobLifecycleTests : IAsyncLifetime
{
    private readonly BlockingSignals _blocking = new();
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private JobEngineHost _engine = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        _engine = await JobEngineHost.StartAsync(
            await servers.CreateDatabaseAsync("jobs"), servers.Redis.ConnectionString, _prefix,
            worker => worker.AddDiagnosticHandlers()
                .AddHandler<FlakyHandler>(FlakyHandler.Kind)
                .AddHandler<PermanentFailureHandler>(PermanentFailureHandler.Kind)
                .AddHandler<BlockingHandler>(BlockingHandler.Kind),
            new Dictionary<string, string?> { ["Jobs:MaxAttempts"] = "3" },
            host => host.Services.AddSingleton(_blocking));
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static EnqueueRequest Request(string kind, object payload) => new(kind, JobOwner.Session("session-1"), payload);

    [Fact]
    public async Task A_job_runs_to_success_with_its_result_stored_and_its_events_readable_from_the_start_and_after_an_event_id()
    {
        var (job, created) = await _engine.Queue.EnqueueAsync(Request(DiagnosticHandlers.Sleep, new SleepPayload(30, Steps: 3)), default);
        Assert.True(created);
        Assert.Equal(JobStatus.Queued, job.Status);

        var events = await ReadAllAsync(job.Id, null);

        Assert.Equal([JobEventTypes.Progress, JobEventTypes.Progress, JobEventTypes.Progress, JobEventTypes.Succeeded], events.Select(e => e.Type));
        Assert.Equal(100, events[2].Data.GetProperty("progress").GetInt32());
        var terminal = events[^1].Data;
        Assert.Equal("succeeded", terminal.GetProperty("status").GetString());
        Assert.Equal(Environment.ProcessId, terminal.GetProperty("result").GetProperty("processId").GetInt32());
        Assert.Equal(DiagnosticHandlers.Sleep, terminal.GetProperty("kind").GetString());
        Assert.True(terminal.TryGetProperty("completedAt", out _));

        var row = await _engine.WaitForEndAsync(job.Id);
        Assert.Equal(JobStatus.Succeeded, row.Status);
        Assert.Equal(100, row.Progress);
        Assert.Equal(1, row.Attempts);
        Assert.NotNull(row.StartedAt);
        Assert.Equal(Environment.ProcessId, JsonDocument.Parse(row.Result!).RootElement.GetProperty("processId").GetInt32());

        var resumed = await ReadAllAsync(job.Id, events[1].Id);
        Assert.Equal(events.Skip(2).Select(e => e.Id), resumed.Select(e => e.Id));
    }

    [Fact]
    public async Task A_transient_failure_is_retried_until_it_succeeds()
    {
        var (job, _) = await _engine.Queue.EnqueueAsync(Request(FlakyHandler.Kind, new TestPayload("flaky", FailTimes: 2)), default);

        var row = await _engine.WaitForEndAsync(job.Id);

        Assert.Equal(JobStatus.Succeeded, row.Status);
        Assert.Equal(3, row.Attempts);
        Assert.Null(row.Error);
    }

    [Fact]
    public async Task A_job_failing_every_attempt_fails_with_a_readable_message_after_max_attempts()
    {
        var (job, _) = await _engine.Queue.EnqueueAsync(
            Request(FlakyHandler.Kind, new TestPayload("broken", FailTimes: 99)) with { MaxAttempts = 2 }, default);

        var row = await _engine.WaitForEndAsync(job.Id);

        Assert.Equal(JobStatus.Failed, row.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Equal("Failed after 2 attempts: transient trouble on attempt 2", row.Error);
        var terminal = (await ReadAllAsync(job.Id, null)).Single();
        Assert.Equal("failed", terminal.Type);
        Assert.Equal(row.Error, terminal.Data.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        var (job, _) = await _engine.Queue.EnqueueAsync(Request(PermanentFailureHandler.Kind, new TestPayload("x")), default);

        var row = await _engine.WaitForEndAsync(job.Id);

        Assert.Equal(JobStatus.Failed, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Equal("The website could not be analysed.", row.Error);
        Assert.Equal("analysis_failed", row.ErrorCode);
    }

    [Fact]
    public async Task Cancelling_a_running_job_fires_its_cancellation_token_and_fails_it_as_Cancelled()
    {
        var (job, _) = await _engine.Queue.EnqueueAsync(Request(BlockingHandler.Kind, new TestPayload("block")), default);
        await _blocking.StartedFor(job.Id).Task.WaitAsync(TimeSpan.FromSeconds(30));

        var result = await _engine.Queue.CancelAsync(job.Id, default);

        Assert.Equal(CancelOutcome.Cancelled, result.Outcome);
        await _blocking.CancelledFor(job.Id).Task.WaitAsync(TimeSpan.FromSeconds(30));
        var row = await _engine.WaitForEndAsync(job.Id);
        Assert.Equal(JobStatus.Failed, row.Status);
        Assert.Equal("Cancelled", row.Error);
        var terminal = (await ReadAllAsync(job.Id, null)).Last();
        Assert.Equal("Cancelled", terminal.Data.GetProperty("error").GetString());
        Assert.Equal(CancelOutcome.AlreadyFinished, (await _engine.Queue.CancelAsync(job.Id, default)).Outcome);
    }

    [Fact]
    public async Task Retrying_a_failed_job_keeps_its_id_and_runs_it_again()
    {
        var (job, _) = await _engine.Queue.EnqueueAsync(
            Request(FlakyHandler.Kind, new TestPayload("retry", FailTimes: 1)) with { MaxAttempts = 1 }, default);
        var failed = await _engine.WaitForEndAsync(job.Id);
        Assert.Equal(JobStatus.Failed, failed.Status);

        var retry = await _engine.Queue.RetryAsync(job.Id, default);

        Assert.Equal(RetryOutcome.Requeued, retry.Outcome);
        Assert.Equal(job.Id, retry.Job!.Id);
        var row = await _engine.WaitForAsync(job.Id, j => j.Status == JobStatus.Succeeded);
        Assert.Equal(2, row.Attempts);
        Assert.Null(row.Error);
        Assert.Equal(RetryOutcome.NotFailed, (await _engine.Queue.RetryAsync(job.Id, default)).Outcome);
        Assert.Equal(RetryOutcome.NotFound, (await _engine.Queue.RetryAsync(Guid.NewGuid(), default)).Outcome);
    }

    [Fact]
    public async Task A_delayed_job_never_starts_before_its_time()
    {
        var (job, _) = await _engine.Queue.EnqueueAsync(
            Request(DiagnosticHandlers.Noop, new { }) with { Delay = TimeSpan.FromSeconds(1.5) }, default);
        Assert.True(job.ScheduledFor >= job.CreatedAt.AddSeconds(1.5));

        var row = await _engine.WaitForEndAsync(job.Id);

        Assert.Equal(JobStatus.Succeeded, row.Status);
        Assert.True(row.StartedAt >= row.ScheduledFor, $"started {row.StartedAt:O}, scheduled for {row.ScheduledFor:O}");
    }

    [Fact]
    public async Task A_user_subscribed_to_their_events_receives_their_jobs_terminal_event_and_no_one_elses()
    {
        var userId = await _engine.CreateUserAsync();
        var otherUser = await _engine.CreateUserAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new TaskCompletionSource<JobEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = await _engine.Events.ListenUserAsync(userId, jobEvent => received.TrySetResult(jobEvent));

        // Delayed, so both end well after the subscription has registered, however loaded the machine.
        var delay = TimeSpan.FromSeconds(2);
        await _engine.Queue.EnqueueAsync(new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.User(otherUser), new { }) { Delay = delay }, default);
        var (job, _) = await _engine.Queue.EnqueueAsync(new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.User(userId), new { }) { Delay = delay }, default);

        var jobEvent = await received.Task.WaitAsync(cts.Token);
        Assert.Equal(job.Id, jobEvent.JobId);
        Assert.Equal(JobEventTypes.Succeeded, jobEvent.Type);
        Assert.Equal(userId, jobEvent.Data.GetProperty("userId").GetGuid());
    }

    [Fact]
    public async Task A_job_that_never_reports_progress_ends_without_an_event_stream_and_its_readers_get_its_end_from_the_row()
    {
        var userId = await _engine.CreateUserAsync();
        var fromUser = new TaskCompletionSource<JobEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = await _engine.Events.ListenUserAsync(userId, jobEvent => fromUser.TrySetResult(jobEvent));
        // Delayed, so the reader is waiting for it before it ends.
        var (job, _) = await _engine.Queue.EnqueueAsync(
            new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.User(userId), new { }) { Delay = TimeSpan.FromSeconds(1.5) }, default);

        var events = await ReadAllAsync(job.Id, null);

        var terminal = Assert.Single(events);
        Assert.Equal(JobEventTypes.Succeeded, terminal.Type);
        Assert.Equal(job.Id, terminal.Data.GetProperty("jobId").GetGuid());
        var userEvent = await fromUser.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(terminal.Id, userEvent.Id);
        Assert.False(await _engine.Redis.KeyExistsAsync($"{_prefix}events:{job.Id:N}"));
        // A reader that already saw the end and comes back after it gets it again, from the row.
        Assert.Equal(terminal.Id, Assert.Single(await ReadAllAsync(job.Id, terminal.Id)).Id);
    }

    [Fact]
    public async Task A_users_job_with_progress_announces_its_end_with_the_entry_before_it_and_its_readers_miss_no_event()
    {
        var userId = await _engine.CreateUserAsync();
        var subscriber = _engine.Services.GetRequiredService<IConnectionMultiplexer>().GetSubscriber();
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var channel = RedisChannel.Literal($"{_prefix}user-events");
        await subscriber.SubscribeAsync(channel, (_, message) => announced.TrySetResult(message!));
        try
        {
            // Delayed, so the readers are waiting for it before it starts.
            var (job, _) = await _engine.Queue.EnqueueAsync(
                new EnqueueRequest(DiagnosticHandlers.Sleep, JobOwner.User(userId), new SleepPayload(30, Steps: 3)) { Delay = TimeSpan.FromSeconds(1.5) }, default);
            var readers = Enumerable.Range(0, 4).Select(_ => ReadAllAsync(job.Id, null)).ToList();

            var message = (await announced.Task.WaitAsync(TimeSpan.FromSeconds(60))).Split('\n', 5);
            foreach (var events in await Task.WhenAll(readers))
            {
                Assert.Equal([JobEventTypes.Progress, JobEventTypes.Progress, JobEventTypes.Progress, JobEventTypes.Succeeded], events.Select(e => e.Type));
                Assert.Equal(message[0], events[^1].Id);
                Assert.Equal(message[3], events[2].Id);
            }
            var stream = await _engine.Redis.StreamRangeAsync($"{_prefix}events:{job.Id:N}");
            Assert.Equal(stream.Select(e => e.Id.ToString()), (await readers[0]).Select(e => e.Id));
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel);
        }
    }

    [Fact]
    public async Task A_users_job_end_announced_without_the_previous_field_still_reaches_the_user_and_the_jobs_readers()
    {
        // As a Worker from before the field announces it (azd deploys the Api first).
        var userId = await _engine.CreateUserAsync();
        var (job, _) = await _engine.Queue.EnqueueAsync(
            new EnqueueRequest(DiagnosticHandlers.Noop, JobOwner.User(userId), new { }) { Delay = TimeSpan.FromHours(1) }, default);
        var received = new TaskCompletionSource<JobEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = await _engine.Events.ListenUserAsync(userId, jobEvent => received.TrySetResult(jobEvent));
        var reader = ReadAllAsync(job.Id, null);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.NotNull(await _engine.Store.FailUnfinishedAsync(job.Id, "Stopped", "STOPPED", default));

        await _engine.Redis.PublishAsync(RedisChannel.Literal($"{_prefix}user-events"),
            $"1-0\n{job.Id:N}\n{JobEventTypes.Failed}\n{{\"jobId\":\"{job.Id}\",\"userId\":\"{userId}\",\"status\":\"failed\"}}");

        var jobEvent = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((job.Id, JobEventTypes.Failed, "1-0"), (jobEvent.JobId, jobEvent.Type, jobEvent.Id));
        // Without the entry before the end, the reader does not take the message's word for it: the row's end.
        var terminal = Assert.Single(await reader);
        Assert.Equal(JobEventTypes.Failed, terminal.Type);
        Assert.NotEqual("1-0", terminal.Id);
    }

    private async Task<List<JobEvent>> ReadAllAsync(Guid jobId, string? after)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = new List<JobEvent>();
        await foreach (var jobEvent in _engine.Events.ReadAsync(jobId, after, cts.Token))
        {
            events.Add(jobEvent);
        }
        return events;
    }
}
