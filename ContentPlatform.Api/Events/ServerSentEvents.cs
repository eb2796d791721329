using System.Text;

namespace ContentPlatform.Api.Events;

public sealed record ServerSentEvent(string? Id, string Name, string Data);

// Writes a text/event-stream response: a retry hint, the events, and a comment line whenever the stream has been
// quiet for the heartbeat interval, so proxies and browsers keep the connection open.
public static class ServerSentEvents
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(3);

    public static async Task WriteAsync(HttpContext context, IAsyncEnumerable<ServerSentEvent> events, TimeSpan? heartbeat = null)
    {
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        using var writeLock = new SemaphoreSlim(1, 1);
        async Task WriteTextAsync(string text)
        {
            await writeLock.WaitAsync(cancellationToken);
            try
            {
                await response.WriteAsync(text, cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
            finally
            {
                writeLock.Release();
            }
        }

        await WriteTextAsync($"retry: {(int)Retry.TotalMilliseconds}\n\n");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = SendHeartbeatsAsync(heartbeat ?? Heartbeat, () => WriteTextAsync(": heartbeat\n\n"), stop.Token);
        try
        {
            await foreach (var item in events.WithCancellation(cancellationToken))
            {
                await WriteTextAsync(Format(item));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeats;
        }
    }

    public static string Format(ServerSentEvent item)
    {
        var text = new StringBuilder();
        if (item.Id is not null)
        {
            text.Append("id: ").Append(item.Id).Append('\n');
        }
        text.Append("event: ").Append(item.Name).Append('\n');
        foreach (var line in item.Data.Split('\n'))
        {
            text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }
        return text.Append('\n').ToString();
    }

    private static async Task SendHeartbeatsAsync(TimeSpan interval, Func<Task> send, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await send();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // Stream finished or client gone.
        }
    }
}
