using System.Text.Json;
using ContentPlatform.Hosting.Processes;

namespace ContentPlatform.Tests.SocketIO;

// The real socket.io-client (SocketIO/node/client.mjs) in a Node process; what it sees arrives as JSON lines.
public sealed class NodeSocketClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly List<JsonElement> _events = [];
    private readonly List<string> _output = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly ChildProcess _process;

    private NodeSocketClient(string url, IEnumerable<string> options)
    {
        _process = ChildProcess.Start(
            new ChildProcessSpec("node", ["client.mjs", url, .. options]) { WorkingDirectory = NodePackages.Directory }, OnLine);
    }

    public static NodeSocketClient Start(string url, string? token, bool websocketOnly = false, bool ack = false)
    {
        var options = new List<string>();
        if (token is not null)
        {
            options.AddRange(["--token", token]);
        }
        if (websocketOnly)
        {
            options.Add("--websocket-only");
        }
        if (ack)
        {
            options.Add("--ack");
        }
        return new NodeSocketClient(url, options);
    }

    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public IEnumerable<JsonElement> EventsNamed(string name) => Events.Where(e => e.GetProperty("event").GetString() == name);

    // The count-th event of that name (1 = the first), waiting for it.
    public async Task<JsonElement> WaitForAsync(string name, int count = 1)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            // A client that ends on its own (after connect_error nothing keeps Node running) may exit before its
            // last lines are read: those count.
            var exited = _process.HasExited;
            if (exited)
            {
                await _process.Completed.WaitAsync(Timeout);
            }
            if (EventsNamed(name).Skip(count - 1).FirstOrDefault() is { ValueKind: JsonValueKind.Object } found)
            {
                return found;
            }
            if (exited)
            {
                throw new InvalidOperationException($"The client exited before '{name}' #{count}:\n{Log()}");
            }
            try
            {
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(500), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No '{name}' #{count} within {Timeout}; the client saw:\n{Log()}");
            }
        }
    }

    private void OnLine(string line)
    {
        lock (_events)
        {
            _output.Add(line);
            if (line.StartsWith('{'))
            {
                _events.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }
        _arrived.Release();
    }

    private string Log()
    {
        lock (_events)
        {
            return string.Join('\n', _output);
        }
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();
}
