using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace ContentPlatform.Api.Events;

// One event, encoded once: the same instance can be written to any number of streams.
public sealed record ServerSentEvent(string? Id, string Name, string Data)
{
    public ReadOnlyMemory<byte> Utf8 { get; } = Encoding.UTF8.GetBytes(ServerSentEvents.Format(Id, Name, Data));
}

// Writes a text/event-stream response: a retry hint, the events, and a comment line every heartbeat interval, so
// proxies and browsers keep the connection open.
public static class ServerSentEvents
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(3);

    public static async Task WriteAsync(HttpContext context, IAsyncEnumerable<ServerSentEvent> events)
    {
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        SetHeaders(response);

        // Heartbeats and events share the response. A heartbeat is flushed as it is written; the retry hint and an event
        // only once the next event is not ready at once, so what comes together (the response's head and its first
        // event, a page of a job's stream, a job's end and the end of the response after it) leaves in one send: a job
        // stream's end was two, the event and then the response's end.
        using var writeLock = new SemaphoreSlim(1, 1);
        async Task WriteBytesAsync(ReadOnlyMemory<byte> bytes, bool flush)
        {
            await writeLock.WaitAsync(cancellationToken);
            try
            {
                response.BodyWriter.Write(bytes.Span);
                if (flush)
                {
                    await response.BodyWriter.FlushAsync(cancellationToken);
                }
            }
            finally
            {
                writeLock.Release();
            }
        }

        await WriteBytesAsync(RetryHint, flush: false);

        var timer = NewHeartbeatTimer();
        var heartbeats = SendHeartbeatsAsync(timer, () => WriteBytesAsync(HeartbeatComment, flush: true));
        try
        {
            await using var items = events.GetAsyncEnumerator(cancellationToken);
            var next = items.MoveNextAsync();
            while (true)
            {
                if (!next.IsCompleted)
                {
                    try
                    {
                        await WriteBytesAsync(ReadOnlyMemory<byte>.Empty, flush: true);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        // The client went away. The read under way ends with the same token; it is awaited below, since
                        // an async iterator cannot be disposed while it runs.
                    }
                }
                if (!await next)
                {
                    break;
                }
                await WriteBytesAsync(items.Current.Utf8, flush: false);
                next = items.MoveNextAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            timer.Dispose();
            await heartbeats;
        }
    }

    // A stream fed by a notification path rather than read from a source: subscribe gets the push to call with each
    // event's bytes (from any thread, without waiting) and returns what stops it. Open until the client leaves.
    public static async Task PushAsync(HttpContext context, Func<Action<ReadOnlyMemory<byte>>, Task<IDisposable>> subscribe)
    {
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        SetHeaders(response);
        await response.StartAsync(cancellationToken);
        await response.BodyWriter.WriteAsync(RetryHint, cancellationToken);
        var stream = new PushedStream(response.BodyWriter);
        using var timer = NewHeartbeatTimer();
        using (cancellationToken.Register(timer.Dispose))
        using (await subscribe(stream.Push))
        {
            await SendHeartbeatsAsync(timer, () =>
            {
                stream.Push(HeartbeatComment);
                return Task.CompletedTask;
            });
        }
        await stream.CloseAsync();
    }

    private static void SetHeaders(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    // Each push is written and flushed at once by its caller (the flush hands the bytes to Kestrel's socket sender,
    // so thousands of streams fed from one loop send on every core without a task each). While a client does not
    // read, its flush waits; pushes meanwhile are kept, at most MaxBacklog (the oldest dropped), and written after it.
    private sealed class PushedStream(PipeWriter writer)
    {
        private const int MaxBacklog = 1000;

        private readonly Lock _lock = new();
        private readonly Queue<ReadOnlyMemory<byte>> _backlog = new();
        private Task _flushing = Task.CompletedTask;
        private bool _closed;

        public void Push(ReadOnlyMemory<byte> bytes)
        {
            lock (_lock)
            {
                if (_closed)
                {
                    return;
                }
                if (!_flushing.IsCompleted)
                {
                    if (_backlog.Count == MaxBacklog)
                    {
                        _backlog.Dequeue();
                    }
                    _backlog.Enqueue(bytes);
                    return;
                }
                writer.Write(bytes.Span);
                var flush = writer.FlushAsync();
                if (!flush.IsCompleted)
                {
                    _flushing = DrainAsync(flush);
                }
            }
        }

        private async Task DrainAsync(ValueTask<FlushResult> flush)
        {
            while (true)
            {
                var ended = false;
                try
                {
                    var result = await flush;
                    ended = result.IsCanceled || result.IsCompleted;
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
                {
                    ended = true;
                }
                lock (_lock)
                {
                    _closed |= ended;
                    if (_closed || _backlog.Count == 0)
                    {
                        return;
                    }
                    while (_backlog.TryDequeue(out var bytes))
                    {
                        writer.Write(bytes.Span);
                    }
                    flush = writer.FlushAsync();
                    if (flush.IsCompleted)
                    {
                        return;
                    }
                }
            }
        }

        // Nothing is written once the request ends; a flush still waiting ends with the connection.
        public async Task CloseAsync()
        {
            Task flushing;
            lock (_lock)
            {
                _closed = true;
                flushing = _flushing;
            }
            await flushing;
        }
    }

    private static readonly ReadOnlyMemory<byte> RetryHint = Encoding.UTF8.GetBytes($"retry: {(int)Retry.TotalMilliseconds}\n\n");
    private static readonly ReadOnlyMemory<byte> HeartbeatComment = ": heartbeat\n\n"u8.ToArray();

    public static string Format(string? id, string name, string data)
    {
        var text = new StringBuilder();
        if (id is not null)
        {
            text.Append("id: ").Append(id).Append('\n');
        }
        text.Append("event: ").Append(name).Append('\n');
        foreach (var line in data.Split('\n'))
        {
            text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }
        return text.Append('\n').ToString();
    }

    // A stream's first heartbeat comes at a random point of the interval, the next ones a whole interval apart (the
    // heartbeat loop sets the period on every tick): streams opened together (a page of them, every client reconnecting
    // after a deploy) would otherwise beat together, thousands of writes in one instant every interval, ahead of the
    // events due in it.
    private static PeriodicTimer NewHeartbeatTimer() =>
        new(TimeSpan.FromMilliseconds(Random.Shared.Next(1, (int)Heartbeat.TotalMilliseconds + 1)));

    // Until the timer is disposed. A stream's end disposes it rather than cancelling the wait: a cancelled wait throws,
    // and the exception's stack trace cost more than the rest of a job stream's end (thousands end at once).
    private static async Task SendHeartbeatsAsync(PeriodicTimer timer, Func<Task> send)
    {
        try
        {
            while (await timer.WaitForNextTickAsync())
            {
                timer.Period = Heartbeat;
                await send();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client is gone (a write failed), or the stream ended between a tick and the period's reset.
        }
    }
}
