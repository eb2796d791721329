using System.Collections.Concurrent;

namespace ContentPlatform.Jobs;

// Who listens to what (a job, a user), for as long as they listen: a key's entry goes when its last subscriber
// leaves, so memory follows the number of current subscribers, not of every key ever subscribed to.
// Adding and removing take a lock (an empty set must not be dropped while someone joins it); Of, the
// notification path, does not.
internal sealed class Subscribers<T> where T : notnull
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<T, byte>> _byKey = new();
    private readonly Lock _lock = new();

    // How many keys have at least one subscriber.
    public int KeyCount => _byKey.Count;

    public void Add(Guid key, T subscriber)
    {
        lock (_lock)
        {
            _byKey.GetOrAdd(key, _ => new())[subscriber] = 0;
        }
    }

    public void Remove(Guid key, T subscriber)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var set) && set.TryRemove(subscriber, out _) && set.IsEmpty)
            {
                _byKey.TryRemove(key, out _);
            }
        }
    }

    public T[] Of(Guid key) => _byKey.TryGetValue(key, out var set) ? [.. set.Keys] : [];

    public T[] All() => [.. _byKey.Values.SelectMany(set => set.Keys)];
}
