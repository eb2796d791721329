using System.Collections.Concurrent;

namespace ContentPlatform.Hosting;

public sealed record LogLine(DateTimeOffset Timestamp, string Text);

// Each resource instance's recent console output, kept in memory for a dashboard and for test failures.
public sealed class ResourceLoggerService
{
    public const int LinesKept = 1000;

    private readonly ConcurrentDictionary<string, Queue<LogLine>> _lines = new();
    private readonly Orchestration.ResourceConsole? _console;

    internal ResourceLoggerService(Orchestration.ResourceConsole? console) => _console = console;

    public event Action<string, LogLine>? LineAdded;

    public IReadOnlyList<LogLine> GetLines(string instanceName)
    {
        if (!_lines.TryGetValue(instanceName, out var lines))
        {
            return [];
        }
        lock (lines)
        {
            return [.. lines];
        }
    }

    internal void Add(string instanceName, string text)
    {
        var line = new LogLine(DateTimeOffset.Now, text);
        var lines = _lines.GetOrAdd(instanceName, _ => new Queue<LogLine>());
        lock (lines)
        {
            if (lines.Count == LinesKept)
            {
                lines.Dequeue();
            }
            lines.Enqueue(line);
        }
        _console?.Write(instanceName, text);
        LineAdded?.Invoke(instanceName, line);
    }
}
