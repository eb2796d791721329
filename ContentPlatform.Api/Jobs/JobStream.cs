using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContentPlatform.Api.Events;
using ContentPlatform.Data.Entities;
using ContentPlatform.Jobs;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ContentPlatform.Api.Jobs;

// GET /api/v1/jobs/{jobId}/stream: the job's events over SSE, read from its Redis event stream, so any Api replica
// serves any client and Last-Event-ID resumes exactly after the last event the client saw.
//
// "connected" comes first. Its id is the position the stream starts from: the client's Last-Event-ID, or 0-0 (before
// the first event) when it sent none. A client that reconnects after receiving only "connected" therefore resumes at
// the same place, and one that saw later events resumes after them: nothing is lost or sent twice.
public static partial class JobStream
{
    public static async Task<IResult> StreamAsync(
        string jobId, HttpContext http, JobStore store, JobEvents events, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (job, failure) = await JobsApi.FindOwnedAsync(jobId, http, store, cancellationToken);
        if (job is null)
        {
            return failure!;
        }
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString().Trim();
        var start = StreamId().IsMatch(lastEventId) ? lastEventId : StreamEvents.Start;
        await ServerSentEvents.WriteAsync(http, ReadAsync(job, start, store, events, json.Value.SerializerOptions, cancellationToken));
        return TypedResults.Empty;
    }

    private static async IAsyncEnumerable<ServerSentEvent> ReadAsync(
        Job job, string start, JobStore store, JobEvents events, JsonSerializerOptions json,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return Event(start, StreamEvents.Connected, new StreamConnected(job.Id, job.Status));
        var after = start;
        while (true)
        {
            JobEvent? terminal = null;
            await foreach (var jobEvent in events.ReadAsync(job.Id, after, cancellationToken))
            {
                if (jobEvent.IsTerminal)
                {
                    terminal = jobEvent;
                    break;
                }
                yield return Event(jobEvent.Id, StreamEvents.ProgressUpdate, Progress(jobEvent));
                after = jobEvent.Id;
            }
            if (terminal is null)
            {
                // The job was deleted while the client watched.
                yield break;
            }
            if (await IsEarlierRunAsync(terminal, store, cancellationToken))
            {
                after = terminal.Id;
                continue;
            }
            yield return terminal.Type == JobEventTypes.Succeeded
                ? Event(terminal.Id, StreamEvents.Complete, new StreamComplete(job.Id, JobStatus.Succeeded,
                    JsonFields.Element(terminal.Data, "result"), JsonFields.Time(terminal.Data, "completedAt")))
                : Event(terminal.Id, StreamEvents.Failed, new StreamFailed(job.Id, JobStatus.Failed,
                    JsonFields.String(terminal.Data, "error"), JsonFields.String(terminal.Data, "errorCode"),
                    JsonFields.Time(terminal.Data, "completedAt")));
            yield break;
        }

        ServerSentEvent Event<T>(string id, string name, T data) => new(id, name, JsonSerializer.Serialize(data, json));
    }

    // A retried job keeps its event stream, so the end of an earlier run can come before the current run's events.
    // It is the job's end only if the row still ends that way; otherwise the stream goes on past it.
    private static async Task<bool> IsEarlierRunAsync(JobEvent terminal, JobStore store, CancellationToken cancellationToken)
    {
        var row = await store.GetAsync(terminal.JobId, cancellationToken);
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

    private static StreamProgress Progress(JobEvent jobEvent)
    {
        var data = jobEvent.Data;
        return new StreamProgress(jobEvent.JobId, JobStatus.Running, JsonFields.Int(data, "progress") ?? 0,
            JsonFields.String(data, "currentStep"), JsonFields.String(data, "phase"), JsonFields.Int(data, "estimatedTimeRemaining"),
            JsonFields.Int(data, "strategyIndex"), JsonFields.Int(data, "strategyTotal"), JsonFields.String(data, "strategyId"));
    }

    // A Redis stream entry id, the only form of Last-Event-ID this stream ever sends.
    [GeneratedRegex(@"^\d{1,20}-\d{1,20}$")]
    private static partial Regex StreamId();
}
