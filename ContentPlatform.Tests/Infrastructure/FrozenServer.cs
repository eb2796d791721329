using ContentPlatform.Hosting.Processes;

namespace ContentPlatform.Tests.Infrastructure;

// A backing server frozen whole, as `kill -STOP` of it and of every process it started (PostgreSQL's backends): its
// sockets stay open, so clients connect and send, and nothing answers. Disposing thaws it, so that a `using` thaws
// it whatever the test does meanwhile. Only a server of the test's own is ever frozen, never the shared ones.
internal sealed class FrozenServer : IDisposable
{
    private readonly ChildProcess _server;

    private FrozenServer(ChildProcess server) => _server = server;

    public static FrozenServer Freeze(ChildProcess server)
    {
        Signal(server, Signals.Stop);
        return new FrozenServer(server);
    }

    // Also for a fixture's clean-up, whether or not a test left the server frozen.
    public static void Thaw(ChildProcess? server) => Signal(server, Signals.Cont);

    public void Dispose() => Thaw(_server);

    private static void Signal(ChildProcess? server, int signal)
    {
        if (server is not null && !server.HasExited)
        {
            ProcessTree.Signal(server.Id, signal);
        }
    }
}
