using System.Buffers;
using System.Text;
using System.Text.Json;
using ContentPlatform.Data.Entities;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// Writes job events to the per-job event stream and notifies readers (JobScripts.Event).
internal sealed class JobEventPublisher(IConnectionMultiplexer redis, JobKeys keys, IOptions<JobsOptions> options)
{
    public Task PublishProgressAsync(Job job, JobProgress progress) =>
        PublishAsync(job, JobEventTypes.Progress, ProgressData(job, progress), terminal: false);

    public Task PublishTerminalAsync(Job job) =>
        PublishAsync(job, job.Status == JobStatus.Succeeded ? JobEventTypes.Succeeded : JobEventTypes.Failed, TerminalData(job), terminal: true);

    private Task PublishAsync(Job job, string type, string data, bool terminal)
    {
        var settings = options.Value;
        var retention = terminal ? Math.Max(1, (long)settings.EventRetention.TotalSeconds) : 0;
        return redis.GetDatabase().ScriptEvaluateAsync(JobScripts.Event, [keys.Events(job.Id)],
        [
            settings.EventStreamMaxLength, retention, keys.JobEventsChannel.ToString(), keys.UserEventsChannel.ToString(),
            job.Id.ToString("N"), type, data, job.UserId?.ToString("N") ?? "",
        ]);
    }

    public static string TerminalData(Job job) => Write(writer =>
    {
        WriteIdentity(writer, job);
        writer.WriteString("status", job.Status);
        if (job.Status == JobStatus.Succeeded)
        {
            writer.WritePropertyName("result");
            if (job.Result is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(job.Result, skipInputValidation: true);
            }
        }
        else
        {
            writer.WriteString("error", job.Error);
            writer.WriteString("errorCode", job.ErrorCode);
        }
        writer.WriteNumber("attempts", job.Attempts);
        if (job.CompletedAt is { } completedAt)
        {
            writer.WriteString("completedAt", completedAt);
        }
    });

    private static string ProgressData(Job job, JobProgress progress) => Write(writer =>
    {
        WriteIdentity(writer, job);
        writer.WriteString("status", JobStatus.Running);
        writer.WriteNumber("progress", progress.Progress);
        writer.WriteString("currentStep", progress.CurrentStep);
        writer.WriteString("phase", progress.Phase);
        WriteNumber(writer, "estimatedTimeRemaining", progress.EstimatedTimeRemaining);
        WriteNumber(writer, "strategyIndex", progress.StrategyIndex);
        WriteNumber(writer, "strategyTotal", progress.StrategyTotal);
        writer.WriteString("strategyId", progress.StrategyId);
    });

    private static void WriteIdentity(Utf8JsonWriter writer, Job job)
    {
        writer.WriteString("jobId", job.Id);
        writer.WriteString("kind", job.Kind);
        if (job.UserId is { } userId)
        {
            writer.WriteString("userId", userId);
        }
        else
        {
            writer.WriteNull("userId");
        }
        writer.WriteString("sessionId", job.SessionId);
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
