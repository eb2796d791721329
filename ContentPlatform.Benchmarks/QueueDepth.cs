using ContentPlatform.Jobs;
using ContentPlatform.Jobs.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace ContentPlatform.Benchmarks;

// Puts a queue of the given depth under a run, in bulk (COPY, pipelined Redis writes), the way the engine
// would have left it: half ready jobs of a kind no Worker runs (rows and stream messages), half jobs of the
// benchmarked kind delayed until tomorrow (rows and delayed-set members the Worker's every poll looks at).
internal static class QueueDepth
{
    public const string ParkedKind = "bench.parked";
    private const int Chunk = 10_000;

    public static async Task FillAsync(string connectionString, IDatabase redis, JobKeys keys, int depth)
    {
        var ready = Enumerable.Range(0, depth / 2).Select(_ => Guid.CreateVersion7()).ToList();
        var delayed = Enumerable.Range(0, depth - ready.Count).Select(_ => Guid.CreateVersion7()).ToList();
        var now = DateTime.UtcNow;
        var tomorrow = now.AddDays(1);

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var import = await connection.BeginBinaryImportAsync(
                "copy jobs (id, kind, session_id, status, progress, payload, attempts, max_attempts, scheduled_for, created_at, updated_at) from stdin (format binary)");
            foreach (var (id, kind, due) in ready.Select(id => (id, ParkedKind, now)).Concat(delayed.Select(id => (id, DiagnosticHandlers.Noop, tomorrow))))
            {
                await import.StartRowAsync();
                await import.WriteAsync(id, NpgsqlDbType.Uuid);
                await import.WriteAsync(kind, NpgsqlDbType.Varchar);
                await import.WriteAsync("bench-depth", NpgsqlDbType.Varchar);
                await import.WriteAsync("queued", NpgsqlDbType.Varchar);
                await import.WriteAsync(0, NpgsqlDbType.Integer);
                await import.WriteAsync("{}", NpgsqlDbType.Jsonb);
                await import.WriteAsync(0, NpgsqlDbType.Integer);
                await import.WriteAsync(3, NpgsqlDbType.Integer);
                await import.WriteAsync(due, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await import.CompleteAsync();
        }

        foreach (var chunk in ready.Chunk(Chunk))
        {
            await Task.WhenAll(chunk.Select(id => redis.StreamAddAsync(keys.Stream(ParkedKind), JobMessage.Fields(id, null, null))));
        }
        var dueMs = new DateTimeOffset(tomorrow).ToUnixTimeMilliseconds();
        foreach (var chunk in delayed.Chunk(Chunk))
        {
            await redis.SortedSetAddAsync(keys.Delayed(DiagnosticHandlers.Noop),
                chunk.Select(id => new SortedSetEntry(JobMessage.DelayedMember(id, null, null), dueMs)).ToArray());
        }
    }
}
