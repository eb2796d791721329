using ContentPlatform.Data.Entities;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// The whole Redis protocol of the job engine: keys, channels, message fields and scripts.
// README "Job engine" documents the same list; keep them in step.
internal sealed class JobKeys(string prefix)
{
    public const string ConsumerGroup = "workers";

    public string Prefix { get; } = prefix;

    // Stream of ready jobs of one kind, read by the consumer group "workers".
    public RedisKey Stream(string kind) => $"{Prefix}stream:{kind}";

    // Sorted set of delayed jobs of one kind; score = due time in Unix milliseconds, member = DelayedMember.
    public RedisKey Delayed(string kind) => $"{Prefix}delayed:{kind}";

    // Messages delivered more than MaxDeliveries times, with the reason they were set aside.
    public RedisKey DeadLetter => $"{Prefix}dead-letter";

    // One job's events: its progress, then one terminal event; capped, and expiring after the job ends. A job that
    // never reported progress has none: its end is in its row (JobEvents reads it from there), so a job costs Redis
    // no key of its own.
    public RedisKey Events(Guid jobId) => $"{Prefix}events:{jobId:N}";

    // "<run id> <Unix ms>": the Redis process (INFO run_id) the reconciler last looked at, and when (JobScripts.Sentinel).
    // Its absence means Redis lost its data; another run id, that Redis restarted and may have lost its last writes.
    public RedisKey Sentinel => $"{Prefix}sentinel";

    // Pub/sub: a job kind has work (wakes idle Workers).
    public RedisChannel WakeChannel => RedisChannel.Literal($"{Prefix}wake");

    // Pub/sub: a job id whose running handler must stop.
    public RedisChannel CancelChannel => RedisChannel.Literal($"{Prefix}cancel");

    // Pub/sub: job ids (one per line) that have a new event in their stream.
    public RedisChannel JobEventsChannel => RedisChannel.Literal($"{Prefix}job-events");

    // Pub/sub: terminal events of jobs owned by a user, as "eventId\njobId\ntype\nprevious\ndata", where previous is the
    // id of the job's last event-stream entry before this one ("" when none: the job's readers miss nothing before it).
    public RedisChannel UserEventsChannel => RedisChannel.Literal($"{Prefix}user-events");
}

// Fields of a job stream message. Redis carries only the id and the trace context; the row holds the rest.
internal static class JobMessage
{
    public const string Id = "id";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    public static NameValueEntry[] Fields(Guid jobId, string? traceParent, string? traceState) =>
    [
        new(Id, jobId.ToString("N")),
        new(TraceParent, traceParent ?? ""),
        new(TraceState, traceState ?? ""),
    ];

    // A delayed job is kept as one sorted-set member carrying the same fields: "id|traceparent|tracestate".
    public static string DelayedMember(Guid jobId, string? traceParent, string? traceState) =>
        $"{jobId:N}|{traceParent}|{traceState}";
}

internal static class JobScripts
{
    // Part of Event and Finish: the id of a stream's last entry, '' when it has none. A user's terminal event names the
    // entry before it, so a reader that has read up to that entry takes the end from the message (JobEvents).
    private const string LastEntry = """
        local function last_entry(key)
          local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
          if last[1] then return last[1][1] end
          return ''
        end

        """;

    // Sentinel: what Redis may have lost since the reconciler last looked, and the mark that it looked now.
    // KEYS[1] the sentinel; ARGV[1] now (Unix ms). Returns -1 when the sentinel is missing (Redis lost its data, or
    // never had the queue), the Unix ms of the last look when Redis restarted since (a process ends with up to a
    // second or two of acknowledged writes missing from its append-only file after a machine crash), else 0. A
    // sentinel of another form (as written before run ids were kept) is taken over as it is.
    public const string Sentinel = """
        local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
        local seen = redis.call('GET', KEYS[1])
        redis.call('SET', KEYS[1], run .. ' ' .. ARGV[1])
        if not seen then return -1 end
        local seenRun, seenAt = string.match(seen, '^(%x+) (%d+)$')
        if seenRun == nil or seenRun == run then return 0 end
        return tonumber(seenAt)
        """;

    // Publish: jobs just queued (or queued again), as many as were written together, in one call: a ready job's
    // message into its stream (XADD), a delayed job into its delayed set at its due time (ZADD); then one wake-up for all.
    // KEYS[i]: the stream or the delayed set of job i. ARGV[1] wake channel, ARGV[2] wake message (the kinds); then 4 per
    // job: its due time (Unix ms, empty when ready), then id, traceparent, tracestate when ready, or its member
    // (JobMessage.DelayedMember) and two empty values when delayed. Returns the number of jobs.
    public const string Publish = """
        for i = 1, #KEYS do
          local a = 4 * i - 1
          if ARGV[a] == '' then
            redis.call('XADD', KEYS[i], '*', 'id', ARGV[a + 1], 'traceparent', ARGV[a + 2], 'tracestate', ARGV[a + 3])
          else
            redis.call('ZADD', KEYS[i], ARGV[a], ARGV[a + 1])
          end
        end
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return #KEYS
        """;

    // The KEYS and ARGV of Publish for the jobs; a delayed one goes to its delayed set, due at its ScheduledFor.
    public static (RedisKey[] Keys, RedisValue[] Args) PublishCall(JobKeys keys, IReadOnlyList<Job> jobs, Func<Job, bool> delayed)
    {
        var redisKeys = new RedisKey[jobs.Count];
        var args = new RedisValue[2 + 4 * jobs.Count];
        args[0] = keys.WakeChannel.ToString();
        args[1] = string.Join(' ', jobs.Select(job => job.Kind).Distinct());
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var a = 2 + 4 * i;
            if (delayed(job))
            {
                redisKeys[i] = keys.Delayed(job.Kind);
                args[a] = new DateTimeOffset(job.ScheduledFor, TimeSpan.Zero).ToUnixTimeMilliseconds();
                args[a + 1] = JobMessage.DelayedMember(job.Id, job.TraceParent, job.TraceState);
                args[a + 2] = args[a + 3] = "";
            }
            else
            {
                redisKeys[i] = keys.Stream(job.Kind);
                args[a] = "";
                args[a + 1] = job.Id.ToString("N");
                args[a + 2] = job.TraceParent ?? "";
                args[a + 3] = job.TraceState ?? "";
            }
        }
        return (redisKeys, args);
    }

    // Fetch: one poll of a Worker, atomic. For each kind, move due delayed jobs (500 at most) to the stream; then
    // read new messages for this consumer, up to count in total across kinds, starting at a rotating kind for
    // fairness. A stream or group that vanished (Redis restarted empty, FLUSHALL) is recreated from id 0, so
    // messages published before the group existed are read too.
    // KEYS[2k+1] stream of kind k, KEYS[2k+2] delayed set of kind k (k = 0, 1, ...).
    // ARGV[1] group, ARGV[2] consumer, ARGV[3] count, ARGV[4] now (Unix ms), ARGV[5] first kind (0-based).
    // Returns { next due time (Unix ms) or -1, { kind index, entry id, field, value, ... }, ... }.
    public const string Fetch = """
        local group, consumer, remaining, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
        local kinds = #KEYS / 2
        local nextDue = -1
        for k = 0, kinds - 1 do
          local stream, delayed = KEYS[2 * k + 1], KEYS[2 * k + 2]
          local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 500)
          for _, member in ipairs(due) do
            local id, tp, ts = string.match(member, '^([^|]*)|([^|]*)|(.*)$')
            if id then
              redis.call('XADD', stream, '*', 'id', id, 'traceparent', tp, 'tracestate', ts)
            end
            redis.call('ZREM', delayed, member)
          end
          local first = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
          if first[2] then
            local score = tonumber(first[2])
            if nextDue < 0 or score < nextDue then nextDue = score end
          end
        end
        local out = { tostring(nextDue) }
        local start = tonumber(ARGV[5]) % kinds
        for i = 0, kinds - 1 do
          if remaining <= 0 then break end
          local k = (start + i) % kinds
          local stream = KEYS[2 * k + 1]
          local read = redis.pcall('XREADGROUP', 'GROUP', group, consumer, 'COUNT', remaining, 'STREAMS', stream, '>')
          if type(read) == 'table' and read.err then
            redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
            read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', remaining, 'STREAMS', stream, '>')
          end
          if read then
            for _, entry in ipairs(read[1][2]) do
              local item = { tostring(k), entry[1] }
              for _, v in ipairs(entry[2]) do table.insert(item, v) end
              table.insert(out, item)
              remaining = remaining - 1
            end
          end
        end
        return out
        """;

    // Reclaim: take over messages idle longer than the visibility timeout (their Worker died), with their delivery counts.
    // KEYS[1] stream. ARGV[1] group, ARGV[2] consumer, ARGV[3] min idle (ms), ARGV[4] count.
    // Returns { { entry id, deliveries, field, value, ... }, ... }.
    public const string Reclaim = """
        local ok, claimed = pcall(redis.call, 'XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
        if not ok then return {} end
        local out = {}
        for _, entry in ipairs(claimed[2]) do
          if entry and entry[2] then
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)
            local item = { entry[1], tostring(pending[1] and pending[1][4] or 1) }
            for _, v in ipairs(entry[2]) do table.insert(item, v) end
            table.insert(out, item)
          end
        end
        return out
        """;

    // Renew: this consumer's hold on the messages it holds (resets their idle time without counting a delivery).
    // A message now owned by another consumer is not taken back: its id is returned as lost.
    // KEYS[1] stream. ARGV[1] group, ARGV[2] consumer, ARGV[3..] entry ids. Returns the lost entry ids.
    public const string Renew = """
        local lost = {}
        for i = 3, #ARGV do
          local ok, pending = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
          if ok and pending[1] then
            if pending[1][2] == ARGV[2] then
              redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
            else
              table.insert(lost, ARGV[i])
            end
          end
        end
        return lost
        """;

    // DeadLetter: set a poison message aside. KEYS[1] stream, KEYS[2] dead-letter stream.
    // ARGV[1] group, ARGV[2] entry id, ARGV[3..] the dead-letter entry's fields and values.
    public const string DeadLetter = """
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', unpack(ARGV, 3))
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        redis.call('XDEL', KEYS[1], ARGV[2])
        return 1
        """;

    // Finish: everything Redis does for a batch of jobs whose outcomes were committed: each terminal event (as Event
    // does, into the job's event stream only if it has one, i.e. it reported progress; otherwise the user's event
    // carries the given id), one job-events notification for all of them (but for a user's job without an event
    // stream: its user event, which readers hear, is its notification), then one XACK and one XDEL per stream for the
    // batch's messages. A repeated call (the first timed out, and may still have run) writes an event only when its
    // message's own XACK is the first, so nothing is written twice. (After Redis lost its data the message is gone
    // too; readers then find the outcome in the row.)
    // KEYS[1..s]: the job streams of the batch's messages; KEYS[s+1..s+e]: one event stream per terminal event.
    // ARGV[1] max length of an event stream, ARGV[2] its retention once terminal (s), ARGV[3] job-events channel,
    // ARGV[4] user-events channel, ARGV[5] consumer group, ARGV[6] s, ARGV[7] e, ARGV[8] "1" when repeated;
    // then 7 per terminal event: job id, type, data, user id or "", stream index (0: not this Worker's to acknowledge), entry id,
    // event id to use without an event stream;
    // then 2 per other message to acknowledge: stream index, entry id. Returns the number of events written.
    public const string Finish = LastEntry + """
        local maxlen, retention, jobChannel, userChannel, group = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
        local streams, events, repeated = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8] == '1'
        local entries = {}
        for s = 1, streams do entries[s] = {} end
        local ids = {}
        local written = 0
        local a = 9
        for i = 1, events do
          local id, type, data, user, s, entry, event = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4]), ARGV[a + 5], ARGV[a + 6]
          if s > 0 then table.insert(entries[s], entry) end
          if not repeated or s == 0 or redis.call('XACK', KEYS[s], group, entry) == 1 then
            local key = KEYS[streams + i]
            local streamed = redis.call('EXISTS', key) == 1
            local previous = ''
            if streamed then
              if user ~= '' then previous = last_entry(key) end
              event = redis.call('XADD', key, 'MAXLEN', '~', maxlen, '*', 'type', type, 'data', data)
              redis.call('EXPIRE', key, retention)
            end
            if user ~= '' then
              redis.call('PUBLISH', userChannel, event .. '\n' .. id .. '\n' .. type .. '\n' .. previous .. '\n' .. data)
            end
            if streamed or user == '' then
              ids[#ids + 1] = id
            end
            written = written + 1
          end
          a = a + 7
        end
        if #ids > 0 then
          redis.call('PUBLISH', jobChannel, table.concat(ids, '\n'))
        end
        for i = a, #ARGV, 2 do
          table.insert(entries[tonumber(ARGV[i])], ARGV[i + 1])
        end
        for s = 1, streams do
          redis.call('XACK', KEYS[s], group, unpack(entries[s]))
          redis.call('XDEL', KEYS[s], unpack(entries[s]))
        end
        return written
        """;

    // Event: append one job event and notify readers. KEYS[1] the job's event stream.
    // ARGV[1] max length, ARGV[2] retention (s; 0 = not terminal), ARGV[3] job-events channel, ARGV[4] user-events
    // channel, ARGV[5] job id, ARGV[6] type, ARGV[7] data, ARGV[8] user id or "". Returns the event's entry id.
    public const string Event = LastEntry + """
        local terminal, user = ARGV[2] ~= '0', ARGV[8] ~= ''
        local previous = ''
        if terminal and user then previous = last_entry(KEYS[1]) end
        local entry = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', ARGV[6], 'data', ARGV[7])
        if terminal then
          redis.call('EXPIRE', KEYS[1], ARGV[2])
          if user then
            redis.call('PUBLISH', ARGV[4], entry .. '\n' .. ARGV[5] .. '\n' .. ARGV[6] .. '\n' .. previous .. '\n' .. ARGV[7])
          end
        end
        redis.call('PUBLISH', ARGV[3], ARGV[5])
        return entry
        """;
}
