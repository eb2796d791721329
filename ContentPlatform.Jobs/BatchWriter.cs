using System.Threading.Channels;

namespace ContentPlatform.Jobs;

// Coalesces concurrent writes into one call of `write` per batch (one SQL statement and one commit for
// many jobs). While one batch is being written the next fills up, so batches grow with load by themselves.
// An item whose caller stopped waiting before its batch was sent is left out: nothing is written for it.
internal sealed class BatchWriter<TItem, TResult> : IAsyncDisposable
{
    private readonly record struct Pending(TItem Item, TaskCompletionSource<TResult> Completion, CancellationToken Cancellation);

    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>();
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _write;
    private readonly int _maxBatch;
    private readonly Task[] _loops;

    public BatchWriter(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> write, int maxBatch = 500, int writers = 2)
    {
        _write = write;
        _maxBatch = maxBatch;
        // The loops outlive whoever created the writer (often the first request to need it): they must not carry
        // its ambient state, such as its Activity, into every later batch.
        using (ExecutionContext.SuppressFlow())
        {
            _loops = Enumerable.Range(0, writers).Select(_ => Task.Run(LoopAsync)).ToArray();
        }
    }

    public Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_channel.Writer.TryWrite(new Pending(item, completion, cancellationToken)))
        {
            throw new ObjectDisposedException(nameof(BatchWriter<TItem, TResult>));
        }
        return completion.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _channel.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _channel.Reader.TryRead(out var pending))
            {
                if (!pending.Completion.Task.IsCompleted && pending.Cancellation.IsCancellationRequested)
                {
                    pending.Completion.TrySetCanceled(pending.Cancellation);
                    continue;
                }
                batch.Add(pending);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                var results = await _write(batch.ConvertAll(p => p.Item));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }
}
