using ContentPlatform.Data.Entities;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// The Worker's side of the Redis protocol (JobScripts): fetch, take over, renew, finish, schedule, acknowledge,
// dead-letter. One consumer of the group "workers", named after this process.
internal sealed class WorkerStreams
{
    private readonly IConnectionMultiplexer _redis;
    private readonly JobKeys _keys;
    private readonly JobEventPublisher _events;
    private readonly string[] _kinds;
    private readonly RedisKey[] _fetchKeys;

    public WorkerStreams(IConnectionMultiplexer redis, JobKeys keys, JobEventPublisher events, string[] kinds)
    {
        _redis = redis;
        _keys = keys;
        _events = events;
        _kinds = kinds;
        _fetchKeys = kinds.SelectMany(kind => new[] { keys.Stream(kind), keys.Delayed(kind) }).ToArray();
    }

    public string Consumer { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    private IDatabase Db => _redis.GetDatabase();

    // Up to count new messages across kinds (due delayed jobs first moved to their streams), and when the next
    // delayed job is due (Unix ms, or -1).
    public async Task<(IReadOnlyList<Delivery> Deliveries, long NextDue)> FetchAsync(int count, int rotation)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(JobScripts.Fetch, _fetchKeys,
            [JobKeys.ConsumerGroup, Consumer, count, now, rotation & int.MaxValue]))!;
        var deliveries = new List<Delivery>(result.Length - 1);
        for (var i = 1; i < result.Length; i++)
        {
            var entry = (RedisResult[])result[i]!;
            deliveries.Add(Delivery.Parse(_kinds[(int)entry[0]], (RedisValue)entry[1], deliveries: 1, entry, offset: 2));
        }
        return (deliveries, (long)result[0]);
    }

    // Up to count messages of a kind that no Worker renewed for minIdle (their Worker died), with their delivery counts.
    public async Task<IReadOnlyList<Delivery>> ReclaimAsync(string kind, TimeSpan minIdle, int count)
    {
        var claimed = (RedisResult[])(await Db.ScriptEvaluateAsync(JobScripts.Reclaim, [_keys.Stream(kind)],
            [JobKeys.ConsumerGroup, Consumer, (long)minIdle.TotalMilliseconds, count]))!;
        return claimed.Select(claimedEntry =>
        {
            var entry = (RedisResult[])claimedEntry!;
            return Delivery.Parse(kind, (RedisValue)entry[0], (int)entry[1], entry, offset: 2);
        }).ToList();
    }

    // Renews this consumer's hold on messages of one kind; returns the entry ids another Worker took over.
    public async Task<RedisValue[]> RenewAsync(string kind, IEnumerable<RedisValue> entryIds)
    {
        RedisValue[] args = [JobKeys.ConsumerGroup, Consumer, .. entryIds];
        return (RedisValue[])(await Db.ScriptEvaluateAsync(JobScripts.Renew, [_keys.Stream(kind)], args))!;
    }

    // After a batch of outcomes was committed (written: each completion's row as written, or null): retries back
    // to their delayed sets, and one Finish call for every terminal event and acknowledgement. Safe to repeat
    // (repeated: an earlier call failed, and may have run all the same).
    public async Task FinishAsync(IReadOnlyList<Completion> completions, IReadOnlyList<Job?> written, bool repeated)
    {
        var db = Db;
        var work = new List<Task>();
        var streams = new List<RedisKey>(_kinds.Length);
        var events = new List<RedisKey>(completions.Count);
        var eventArgs = new List<RedisValue>(7 * completions.Count);
        var ackArgs = new List<RedisValue>();
        var retries = new List<Job>();
        for (var i = 0; i < completions.Count; i++)
        {
            var (delivery, _, lost) = completions[i];
            var stream = 0;
            if (!lost)
            {
                var key = _keys.Stream(delivery.Kind);
                stream = streams.IndexOf(key) + 1;
                if (stream == 0)
                {
                    streams.Add(key);
                    stream = streams.Count;
                }
            }
            if (written[i] is { Status: not JobStatus.Queued } job)
            {
                events.Add(_keys.Events(job.Id));
                eventArgs.AddRange([job.Id.ToString("N"), JobEventPublisher.TerminalType(job), JobEventPublisher.TerminalData(job),
                    job.UserId?.ToString("N") ?? "", stream, delivery.EntryId, JobEvents.RowEventId(job)]);
                continue;
            }
            if (written[i] is { } retry)
            {
                retries.Add(retry);
            }
            if (stream > 0)
            {
                ackArgs.AddRange([stream, delivery.EntryId]);
            }
        }
        if (retries.Count > 0)
        {
            work.Add(ScheduleAsync(db, retries));
        }
        if (streams.Count + events.Count > 0)
        {
            RedisValue[] args =
            [
                _events.MaxLength, _events.RetentionSeconds, _keys.JobEventsChannel.ToString(), _keys.UserEventsChannel.ToString(),
                JobKeys.ConsumerGroup, streams.Count, events.Count, repeated ? "1" : "0", .. eventArgs, .. ackArgs,
            ];
            work.Add(db.ScriptEvaluateAsync(JobScripts.Finish, [.. streams, .. events], args));
        }
        await Task.WhenAll(work);
    }

    // A queued job (a retry, or one found early) back to its delayed set, at its time.
    public Task ScheduleAsync(Job job) => ScheduleAsync(Db, [job]);

    private Task ScheduleAsync(IDatabase db, IReadOnlyList<Job> jobs)
    {
        var (keys, args) = JobScripts.PublishCall(_keys, jobs, _ => true);
        return db.ScriptEvaluateAsync(JobScripts.Publish, keys, args);
    }

    public async Task AckAsync(Delivery delivery)
    {
        var db = Db;
        var stream = _keys.Stream(delivery.Kind);
        await Task.WhenAll(
            db.StreamAcknowledgeAsync(stream, JobKeys.ConsumerGroup, delivery.EntryId),
            db.StreamDeleteAsync(stream, [delivery.EntryId]));
    }

    public Task DeadLetterAsync(Delivery delivery, string reason) =>
        Db.ScriptEvaluateAsync(JobScripts.DeadLetter, [_keys.Stream(delivery.Kind), _keys.DeadLetter],
        [
            JobKeys.ConsumerGroup, delivery.EntryId,
            "kind", delivery.Kind, "entry", delivery.EntryId, JobMessage.Id, delivery.JobId?.ToString("N") ?? "",
            JobMessage.TraceParent, delivery.TraceParent ?? "", "deliveries", delivery.Deliveries, "reason", reason,
            "at", DateTimeOffset.UtcNow.ToString("O"),
        ]);
}
