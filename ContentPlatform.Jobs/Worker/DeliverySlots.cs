using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// The one owner of slot accounting: a Worker holds at most Jobs:Concurrency messages at once. A slot is taken
// before a message is fetched or taken over, and given back exactly once: at once when no message came for it,
// else when this Worker is done with the message (outcome committed and acknowledged, set aside, skipped, or
// left pending for another Worker). Held messages are also the ones whose hold in Redis the Worker renews, so a
// message waiting for its claim or its outcome's commit (PostgreSQL away) is not taken over meanwhile.
internal sealed class DeliverySlots(int capacity)
{
    private readonly SemaphoreSlim _free = new(capacity, capacity);
    private readonly ConcurrentDictionary<(string Kind, RedisValue EntryId), Held> _held = new();

    private sealed record Held(Delivery Delivery, long Since);

    // The messages held for at least the given time. A message's idle time in Redis restarts when it is delivered,
    // so only these need their hold renewed (most are done with long before).
    public IEnumerable<Delivery> HeldLongerThan(TimeSpan age) =>
        _held.Values.Where(h => Stopwatch.GetElapsedTime(h.Since) >= age).Select(h => h.Delivery);

    // Waits for one free slot, then takes every other free one.
    public async Task<int> TakeAsync(CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken);
        return 1 + TakeFree();
    }

    // Takes every free slot without waiting (possibly none).
    public int TakeFree()
    {
        var taken = 0;
        while (_free.Wait(0))
        {
            taken++;
        }
        return taken;
    }

    // Slots taken for messages that did not come.
    public void Return(int unused)
    {
        if (unused > 0)
        {
            _free.Release(unused);
        }
    }

    // A message came into a taken slot. False when this Worker holds it already (it took its own message over
    // after a silence): that slot is returned at once, and the message stays with its first delivery.
    public bool Hold(Delivery delivery)
    {
        if (_held.TryAdd(Key(delivery), new Held(delivery, Stopwatch.GetTimestamp())))
        {
            return true;
        }
        _free.Release();
        return false;
    }

    // Gives the message's slot back; any later call for the same delivery does nothing.
    public void Release(Delivery delivery)
    {
        if (_held.TryGetValue(Key(delivery), out var held) && held.Delivery == delivery
            && _held.TryRemove(KeyValuePair.Create(Key(delivery), held)))
        {
            _free.Release();
        }
    }

    // Waits until every held message was released, or the timeout; nothing may be fetched afterwards.
    public async Task DrainAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var i = 0; i < capacity; i++)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _free.WaitAsync(left))
            {
                return;
            }
        }
    }

    private static (string, RedisValue) Key(Delivery delivery) => (delivery.Kind, delivery.EntryId);
}
