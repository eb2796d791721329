using ContentPlatform.Jobs;

namespace ContentPlatform.Tests.Jobs;

public sealed class BatchWriterTests
{
    [Fact]
    public async Task An_item_whose_caller_stopped_waiting_before_its_batch_was_sent_is_not_written()
    {
        var firstBatchHeld = new TaskCompletionSource();
        var firstBatchStarted = new TaskCompletionSource();
        var written = new List<IReadOnlyList<int>>();
        await using var writer = new BatchWriter<int, int>(async items =>
        {
            lock (written)
            {
                written.Add(items.ToList());
            }
            if (items.Contains(1))
            {
                firstBatchStarted.SetResult();
                await firstBatchHeld.Task;
            }
            return items.Select(i => i * 10).ToList();
        }, writers: 1);

        var first = writer.WriteAsync(1, CancellationToken.None);
        await firstBatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var gaveUp = new CancellationTokenSource();
        var abandoned = writer.WriteAsync(2, gaveUp.Token);
        var kept = writer.WriteAsync(3, CancellationToken.None);
        await gaveUp.CancelAsync();
        firstBatchHeld.SetResult();

        Assert.Equal(10, await first);
        Assert.Equal(30, await kept);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        lock (written)
        {
            Assert.Equal(2, written.Count);
            Assert.Equal([1], written[0]);
            Assert.Equal([3], written[1]);
        }
    }

    [Fact]
    public async Task Items_waiting_together_are_written_in_one_call_and_each_gets_its_own_result()
    {
        var firstBatchHeld = new TaskCompletionSource();
        var firstBatchStarted = new TaskCompletionSource();
        var calls = new List<IReadOnlyList<int>>();
        await using var writer = new BatchWriter<int, int>(async items =>
        {
            lock (calls)
            {
                calls.Add(items.ToList());
            }
            firstBatchStarted.TrySetResult();
            await firstBatchHeld.Task;
            return items.Select(i => -i).ToList();
        }, writers: 1);

        var first = writer.WriteAsync(0, CancellationToken.None);
        await firstBatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var waiting = Enumerable.Range(1, 50).Select(i => writer.WriteAsync(i, CancellationToken.None)).ToList();
        firstBatchHeld.SetResult();

        Assert.Equal(0, await first);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => -i), await Task.WhenAll(waiting));
        lock (calls)
        {
            Assert.Equal(2, calls.Count);
            Assert.Equal(Enumerable.Range(1, 50), calls[1]);
        }
    }
}
