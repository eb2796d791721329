using ContentPlatform.Data.Entities;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// Batched completion: the outcomes of the jobs that finish at about the same moment are committed with one UPDATE
// (one commit), then their retries, terminal events and acknowledgements go to Redis in one go; only then are their
// slots free, so slots come back a batch at a time and the next fetch is as large. While PostgreSQL is away the
// outcomes wait for it (DatabaseGate); while Redis is away its part is tried again. Any other failure, or shutdown,
// leaves the messages pending: after the visibility timeout a Worker takes them over and runs the jobs again (their
// rows are still running).
internal sealed partial class JobCompletions : IAsyncDisposable
{
    private static readonly TimeSpan RedisRetryDelay = TimeSpan.FromSeconds(1);

    private readonly JobStore _store;
    private readonly WorkerStreams _streams;
    private readonly DeliverySlots _slots;
    private readonly DatabaseGate _database;
    private readonly ILogger<JobCompletions> _logger;
    private readonly CancellationTokenSource _abandon = new();
    private readonly BatchWriter<Completion, bool> _writer;

    public JobCompletions(JobStore store, WorkerStreams streams, DeliverySlots slots, DatabaseGate database, ILogger<JobCompletions> logger)
    {
        _store = store;
        _streams = streams;
        _slots = slots;
        _database = database;
        _logger = logger;
        _writer = new BatchWriter<Completion, bool>(CompleteAsync);
    }

    // Not awaited by the caller: the slot is released once the outcome is committed and acknowledged (or could not be).
    public void Add(Completion completion) => _ = _writer.WriteAsync(completion, CancellationToken.None);

    private async Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions)
    {
        try
        {
            var outcomes = completions.Select(c => c.Outcome).ToList();
            var written = await _database.RunAsync(
                retried => retried ? FinishAgainAsync(outcomes) : _store.FinishAsync(outcomes), _abandon.Token);
            await PublishAsync(completions, written);
            return written.Select(job => job is not null).ToList();
        }
        catch (Exception ex)
        {
            LogFinishError(ex, completions.Count);
            return completions.Select(_ => false).ToList();
        }
        finally
        {
            foreach (var completion in completions)
            {
                _slots.Release(completion.Delivery);
            }
        }
    }

    // A first run may have been committed without this Worker hearing of it: a row already at the outcome (same
    // attempt, status and error code) counts as written, so its terminal event still goes out.
    private async Task<IReadOnlyList<Job?>> FinishAgainAsync(IReadOnlyList<JobOutcome> outcomes)
    {
        var written = (await _store.FinishAsync(outcomes)).ToArray();
        for (var i = 0; i < written.Length; i++)
        {
            var outcome = outcomes[i];
            if (written[i] is null && await _store.GetAsync(outcome.JobId, CancellationToken.None) is { } row
                && row.Attempts == outcome.Attempt && row.Status == outcome.Status && row.ErrorCode == outcome.ErrorCode)
            {
                written[i] = row;
            }
        }
        return written;
    }

    private async Task PublishAsync(IReadOnlyList<Completion> completions, IReadOnlyList<Job?> written)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _streams.FinishAsync(completions, written, repeated: attempt > 1);
                return;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException && !_abandon.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    LogRedisAway(ex, completions.Count);
                }
                await Task.Delay(RedisRetryDelay, _abandon.Token);
            }
        }
    }

    // Outcomes still waiting for PostgreSQL or Redis are given up: their messages stay pending.
    public async ValueTask DisposeAsync()
    {
        await _abandon.CancelAsync();
        await _writer.DisposeAsync();
    }

    [LoggerMessage(LogLevel.Error, "Writing the outcome of {Count} jobs failed; their messages stay pending")]
    private partial void LogFinishError(Exception ex, int count);

    [LoggerMessage(LogLevel.Warning, "The outcomes of {Count} jobs are committed, but Redis could not be told; trying again until it answers")]
    private partial void LogRedisAway(Exception ex, int count);
}
