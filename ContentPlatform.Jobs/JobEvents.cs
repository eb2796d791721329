using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContentPlatform.Data.Entities;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// Reads job events on any Api replica: a job's event stream from the start or after a Last-Event-ID,
// and live terminal events of a user's jobs.
public sealed partial class JobEvents
{
    // A safety net for a notification lost otherwise than with the subscription (whose return wakes every reader):
    // readers are woken by pub/sub at once. A reader's check is a stream read and a row read, and at 10,000 job
    // streams a 5 s check was 4,000 round trips a second; each wait is drawn from 20–40 s, so streams opened
    // together do not check together.
    private static TimeSpan QuietCheck() => TimeSpan.FromMilliseconds(Random.Shared.Next(20_000, 40_001));
    private const int Page = 100;

    private readonly IConnectionMultiplexer _redis;
    private readonly JobKeys _keys;
    private readonly JobStore _store;
    private readonly Subscribers<JobWatcher> _jobWatchers = new();
    private readonly Subscribers<UserListener> _userWatchers = new();
    private readonly Lock _subscribeLock = new();
    private Task? _subscribed;

    // Jobs and users with at least one reader on this process.
    internal int WatchedKeyCount => _jobWatchers.KeyCount + _userWatchers.KeyCount;

    // Whether the user's terminal events reach a reader here: true once ListenUserAsync listens.
    internal bool IsWatchingUser(Guid userId) => _userWatchers.Of(userId).Any();

    internal JobEvents(IConnectionMultiplexer redis, JobKeys keys, JobStore store)
    {
        _redis = redis;
        _keys = keys;
        _store = store;
        // Notifications published while the subscription was down are lost: every reader looks again.
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                foreach (var watcher in _jobWatchers.All())
                {
                    Wake(watcher.Signal);
                }
            }
        };
    }

    // The job's events after afterEventId, in order, ending with its end: the stream's terminal event, the one heard
    // live on the user-events channel, or the row's outcome. A retried job keeps its event stream, so an earlier run's
    // end read from the stream is passed over unless the row still ends that way.
    public async IAsyncEnumerable<JobEvent> ReadAsync(Guid jobId, string? afterEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureSubscribedAsync();
        var watcher = new JobWatcher();
        _jobWatchers.Add(jobId, watcher);
        try
        {
            var after = afterEventId is not null && StreamId().IsMatch(afterEventId) ? afterEventId : null;
            var waited = false;
            while (true)
            {
                // The end as the user-events channel carried it, when nothing in the stream comes before it that this
                // reader has not read yet: no stream read needed.
                if (watcher.Heard is { } heard && heard.Follows(after))
                {
                    yield return heard.Event;
                    yield break;
                }
                var entries = await _redis.GetDatabase().StreamRangeAsync(
                    _keys.Events(jobId), after is null ? "-" : "(" + after, "+", Page);
                foreach (var entry in entries)
                {
                    var jobEvent = new JobEvent(entry.Id!, jobId, entry["type"]!, Parse(entry["data"]!));
                    if (!jobEvent.IsTerminal)
                    {
                        yield return jobEvent;
                    }
                    else if (!await IsEarlierRunAsync(jobEvent, cancellationToken))
                    {
                        yield return jobEvent;
                        yield break;
                    }
                    after = entry.Id;
                }
                if (entries.Length == Page)
                {
                    continue;
                }
                // A job that never reported progress ends without an event stream: a user's job announces its end
                // on the user-events channel, which is heard here (above); for the others, look at the row before the
                // first wait and after a wait that brought no event (a stream may also have expired or been lost with
                // Redis' data).
                if (!waited || entries.Length == 0)
                {
                    var job = await _store.GetAsync(jobId, cancellationToken);
                    if (job is null)
                    {
                        yield break;
                    }
                    if (job.Status is JobStatus.Succeeded or JobStatus.Failed)
                    {
                        var again = await _redis.GetDatabase().StreamRangeAsync(
                            _keys.Events(jobId), after is null ? "-" : "(" + after, "+", 1);
                        if (again.Length == 0)
                        {
                            yield return FromRow(job);
                            yield break;
                        }
                        continue;
                    }
                }
                waited = true;
                await watcher.Signal.WaitAsync(QuietCheck(), cancellationToken);
            }
        }
        finally
        {
            _jobWatchers.Remove(jobId, watcher);
            watcher.Signal.Dispose();
        }
    }

    // Calls onEvent with each terminal event of the user's jobs from now on, until the result is disposed. It is
    // called on the notification path, for every listener of the user in turn: it must hand the event on or write it
    // without waiting (no blocking, no await). One event reaches all of them as the same instance.
    public async Task<IDisposable> ListenUserAsync(Guid userId, Action<JobEvent> onEvent)
    {
        await EnsureSubscribedAsync();
        var listener = new UserListener(this, userId, onEvent);
        _userWatchers.Add(userId, listener);
        return listener;
    }

    private sealed class UserListener(JobEvents events, Guid userId, Action<JobEvent> onEvent) : IDisposable
    {
        public void Receive(JobEvent jobEvent) => onEvent(jobEvent);

        public void Dispose() => events._userWatchers.Remove(userId, this);
    }

    // One event to many listeners (one user on thousands of connections) is split over the cores: each listener's
    // part is a write without waiting, so the sockets' sends start on every core at once.
    private static void Deliver(UserListener[] listeners, JobEvent jobEvent)
    {
        if (listeners.Length < ParallelDelivery)
        {
            foreach (var listener in listeners)
            {
                listener.Receive(jobEvent);
            }
            return;
        }
        var parts = Environment.ProcessorCount;
        Parallel.For(0, parts, part =>
        {
            for (var i = part; i < listeners.Length; i += parts)
            {
                listeners[i].Receive(jobEvent);
            }
        });
    }

    private const int ParallelDelivery = 256;

    // Subscribes once per process; a failed attempt (Redis down) is tried again by the next reader.
    private Task EnsureSubscribedAsync()
    {
        lock (_subscribeLock)
        {
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled)
            {
                _subscribed = SubscribeAsync();
            }
            return _subscribed;
        }
    }

    private async Task SubscribeAsync()
    {
        var subscriber = _redis.GetSubscriber();
        await subscriber.SubscribeAsync(_keys.JobEventsChannel, (_, message) =>
        {
            // One job id per line: a Worker notifies a whole batch of finished jobs at once.
            foreach (var line in message.ToString().Split('\n'))
            {
                if (Guid.TryParseExact(line, "N", out var jobId))
                {
                    foreach (var watcher in _jobWatchers.Of(jobId))
                    {
                        Wake(watcher.Signal);
                    }
                }
            }
        });
        await subscriber.SubscribeAsync(_keys.UserEventsChannel, (_, message) =>
        {
            // "eventId\njobId\ntype\nprevious\ndata" (JobKeys.UserEventsChannel); the user id is inside data. A Worker
            // from before the previous field (azd deploys the Api first) sends "eventId\njobId\ntype\ndata".
            var parts = message.ToString().Split('\n', 5);
            if (parts.Length < 4 || !Guid.TryParseExact(parts[1], "N", out var jobId))
            {
                return;
            }
            var data = Parse(parts[^1]);
            if (!data.TryGetProperty("userId", out var user) || !user.TryGetGuid(out var userId))
            {
                return;
            }
            var jobEvent = new JobEvent(parts[0], jobId, parts[2], data);
            var heard = new HeardEnd(jobEvent, PreviousKnown: parts.Length == 5, parts.Length == 5 && parts[3] != "" ? parts[3] : null);
            foreach (var watcher in _jobWatchers.Of(jobId))
            {
                watcher.Heard = heard;
                Wake(watcher.Signal);
            }
            Deliver(_userWatchers.Of(userId), jobEvent);
        });
    }

    // A reader of one job: woken when the job has a new event; Heard is its end as the user-events channel carried it.
    private sealed class JobWatcher
    {
        public SemaphoreSlim Signal { get; } = new(0, 1);

        public volatile HeardEnd? Heard;
    }

    // A job's terminal event, and the id of the entry before it in the job's event stream (null: the job had none).
    private sealed record HeardEnd(JobEvent Event, bool PreviousKnown, string? Previous)
    {
        // Whether a reader that has read up to after has read everything before this end.
        public bool Follows(string? after) => PreviousKnown && (Previous is null || Previous == after);
    }

    private static void Wake(SemaphoreSlim signal)
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or its reader just left.
        }
    }

    // An end heard live is the job's latest; one read from the stream may be an earlier run's.
    private async Task<bool> IsEarlierRunAsync(JobEvent terminal, CancellationToken cancellationToken)
    {
        var row = await _store.GetAsync(terminal.JobId, cancellationToken);
        if (row is null)
        {
            return false;
        }
        if (row.Status is JobStatus.Queued or JobStatus.Running)
        {
            return true;
        }
        return JsonFields.Time(terminal.Data, "completedAt") is { } completedAt && row.CompletedAt is { } rowCompletedAt
            && Math.Abs((completedAt - rowCompletedAt).TotalMilliseconds) >= 1;
    }

    private static JobEvent FromRow(Job job) =>
        new(RowEventId(job), job.Id, JobEventPublisher.TerminalType(job), Parse(JobEventPublisher.TerminalData(job)));

    // The id of a terminal event that is not in an event stream: a stream id at the job's end.
    internal static string RowEventId(Job job) =>
        $"{new DateTimeOffset(job.CompletedAt ?? job.UpdatedAt, TimeSpan.Zero).ToUnixTimeMilliseconds()}-0";

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [GeneratedRegex(@"^\d{1,20}-\d{1,20}$")]
    private static partial Regex StreamId();
}
