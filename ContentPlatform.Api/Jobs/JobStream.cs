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
        await ServerSentEvents.WriteAsync(http, ReadAsync(job, start, events, json.Value.SerializerOptions, cancellationToken));
        return TypedResults.Empty;
    }

    private static async IAsyncEnumerable<ServerSentEvent> ReadAsync(
        Job job, string start, JobEvents events, JsonSerializerOptions json,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return Event(start, StreamEvents.Connected, new StreamConnected(job.Id, job.Status));
        await foreach (var jobEvent in events.ReadAsync(job.Id, start, cancellationToken))
        {
            if (!jobEvent.IsTerminal)
            {
                yield return Event(jobEvent.Id, StreamEvents.ProgressUpdate, Progress(jobEvent));
                continue;
            }
            yield return jobEvent.Type == JobEventTypes.Succeeded
                ? Event(jobEvent.Id, StreamEvents.Complete, new StreamComplete(job.Id, JobStatus.Succeeded,
                    JsonFields.Element(jobEvent.Data, "result"), JsonFields.Time(jobEvent.Data, "completedAt")))
                : Event(jobEvent.Id, StreamEvents.Failed, new StreamFailed(job.Id, JobStatus.Failed,
                    JsonFields.String(jobEvent.Data, "error"), JsonFields.String(jobEvent.Data, "errorCode"),
                    JsonFields.Time(jobEvent.Data, "completedAt")));
        }

        ServerSentEvent Event<T>(string id, string name, T data) => new(id, name, JsonSerializer.Serialize(data, json));
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
