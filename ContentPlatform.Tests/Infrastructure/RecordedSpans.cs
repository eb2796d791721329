using System.Collections;
using System.Diagnostics;

namespace ContentPlatform.Tests.Infrastructure;

// What an in-memory exporter writes to. It appends from whichever thread ends an activity, and its ActivitySource
// listener hears every host in the test process until its provider is gone, so a plain List can change while a test
// reads it. Reads enumerate a copy taken under the lock the exporter's appends take.
internal sealed class RecordedSpans : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().AsEnumerable().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Clear()
    {
        lock (_spans)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (_spans)
        {
            return _spans.Remove(item);
        }
    }

    private Activity[] Snapshot()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }
}
