using ContentPlatform.Data.Entities;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// One stream message as a Worker received it. JobId is null when the message is malformed.
internal sealed record Delivery(string Kind, RedisValue EntryId, Guid? JobId, string? TraceParent, string? TraceState, int Deliveries)
{
    public static Delivery Parse(string kind, RedisValue entryId, int deliveries, RedisResult[] flatFields, int offset)
    {
        Guid? jobId = null;
        string? traceParent = null, traceState = null;
        for (var i = offset; i + 1 < flatFields.Length; i += 2)
        {
            var value = (string?)flatFields[i + 1];
            switch ((string?)flatFields[i])
            {
                case JobMessage.Id when Guid.TryParseExact(value, "N", out var id):
                    jobId = id;
                    break;
                case JobMessage.TraceParent:
                    traceParent = string.IsNullOrEmpty(value) ? null : value;
                    break;
                case JobMessage.TraceState:
                    traceState = string.IsNullOrEmpty(value) ? null : value;
                    break;
            }
        }
        return new Delivery(kind, entryId, jobId, traceParent, traceState, deliveries);
    }
}

// A job's outcome, decided by JobRunner, on its way to the row and then to Redis. Lost: another Worker took the
// message over meanwhile, so this one must not acknowledge it.
internal sealed record Completion(Delivery Delivery, JobOutcome Outcome, bool Lost);
