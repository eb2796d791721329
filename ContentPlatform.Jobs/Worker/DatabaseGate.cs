using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContentPlatform.Jobs;

// Whether PostgreSQL answers, as the Worker last saw it. A claim or an outcome that fails because the database is
// away (no connection, a broken one, a timeout) is not a job failure: the gate closes, the Worker takes no new
// jobs, and what it holds waits — its messages renewed — until a probe gets through; then the same statement
// is tried again. An outage therefore neither fails jobs nor spends their attempts or deliveries.
internal sealed partial class DatabaseGate(NpgsqlDataSource dataSource, ILogger<DatabaseGate> logger) : IDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _disposed = new();
    private TaskCompletionSource? _closed;

    public bool IsOpen => Volatile.Read(ref _closed) is null;

    public Task WaitOpenAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _closed) is { } closed ? closed.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    // Runs the statement, and again after every time the database was away meanwhile. retried tells the
    // statement whether an earlier run may have been committed without this Worker hearing of it.
    public async Task<T> RunAsync<T>(Func<bool, Task<T>> statement, CancellationToken cancellationToken)
    {
        var retried = false;
        while (true)
        {
            await WaitOpenAsync(cancellationToken);
            try
            {
                return await statement(retried);
            }
            catch (Exception ex) when (IsAway(ex))
            {
                Close(ex);
                retried = true;
            }
        }
    }

    public static bool IsAway(Exception ex) =>
        ex is NpgsqlException { IsTransient: true } or TimeoutException || (ex is NpgsqlException && ex is not PostgresException);

    private void Close(Exception ex)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _closed, closed, null) is null)
        {
            LogAway(ex);
            _ = ProbeAsync(closed);
        }
    }

    private async Task ProbeAsync(TaskCompletionSource closed)
    {
        while (true)
        {
            try
            {
                await Task.Delay(ProbeInterval, _disposed.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
                timeout.CancelAfter(ProbeTimeout);
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(timeout.Token);
                break;
            }
            catch (Exception ex) when (IsAway(ex) || ex is OperationCanceledException)
            {
                // Still away.
            }
        }
        Volatile.Write(ref _closed, null);
        closed.SetResult();
        LogBack();
    }

    // Stops probing; whoever still waits for the gate waits until their own token fires.
    public void Dispose() => _disposed.Cancel();

    [LoggerMessage(LogLevel.Warning, "PostgreSQL is away; the job worker takes no new jobs and holds its claims and outcomes until it answers")]
    private partial void LogAway(Exception ex);

    [LoggerMessage(LogLevel.Information, "PostgreSQL answers again; the job worker resumes")]
    private partial void LogBack();
}
