using System.Net;
using System.Text.Json;

namespace ContentPlatform.Tests.Infrastructure;

public sealed record ReceivedEvent(string? Id, string Name, JsonElement Data);

public sealed record ReceivedStream(HttpStatusCode Status, string? ContentType, int? Retry, IReadOnlyList<ReceivedEvent> Events);

// A minimal EventSource: reads a text/event-stream response to its end (the job stream ends after the terminal event).
internal static class ServerSentEventsReader
{
    public static async Task<ReceivedStream> ReadAsync(HttpClient client, string url, string? lastEventId = null, int? stopAfter = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var events = new List<ReceivedEvent>();
        int? retry = null;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new ReceivedStream(response.StatusCode, response.Content.Headers.ContentType?.MediaType, null, events);
        }
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        string? id = null, name = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    events.Add(new ReceivedEvent(id, name, JsonDocument.Parse(string.Join('\n', data)).RootElement.Clone()));
                    if (events.Count == stopAfter)
                    {
                        break;
                    }
                }
                (id, name) = (null, null);
                data.Clear();
            }
            else if (line.StartsWith("retry: ", StringComparison.Ordinal))
            {
                retry = int.Parse(line["retry: ".Length..]);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line["id: ".Length..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line["data: ".Length..]);
            }
        }
        return new ReceivedStream(response.StatusCode, response.Content.Headers.ContentType?.MediaType, retry, events);
    }
}
