using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ContentPlatform.Hosting.Processes;

// A process that cannot outlive the one that started it: it is started through `setpriv --pdeathsig`,
// so the kernel signals it when its parent dies, even by SIGKILL. It runs in a session of its own
// (`setsid`), so a Ctrl+C in the terminal reaches only us and we stop children in our own order.
public sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process)
    {
        _process = process;
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _exited.TrySetResult();
        if (_process.HasExited)
        {
            _exited.TrySetResult();
        }
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public Task Exited => _exited.Task;

    // Exited, and every line it wrote handed to onOutput: the process can end before its last lines are read from the
    // pipes. A process whose own children keep its output open is not completed until they end too.
    public Task Completed => Task.WhenAll(_exited.Task, _outputEnded.Task, _errorEnded.Task);

    public static ChildProcess Start(ChildProcessSpec spec, Action<string>? onOutput = null)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        startInfo.ArgumentList.Add("setpriv");
        if (spec.RunAsUser is { } user)
        {
            startInfo.ArgumentList.Add("--reuid");
            startInfo.ArgumentList.Add(user);
            startInfo.ArgumentList.Add("--regid");
            startInfo.ArgumentList.Add(user);
            startInfo.ArgumentList.Add("--init-groups");
        }
        startInfo.ArgumentList.Add("--pdeathsig");
        startInfo.ArgumentList.Add(spec.ParentDeathSignal);
        startInfo.ArgumentList.Add("--");
        startInfo.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = Spawner.Start(startInfo);
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => Receive(e.Data, child._outputEnded);
        process.ErrorDataReceived += (_, e) => Receive(e.Data, child._errorEnded);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return child;

        // A null line is the end of the stream.
        void Receive(string? line, TaskCompletionSource ended)
        {
            if (line is null)
            {
                ended.TrySetResult();
            }
            else
            {
                onOutput?.Invoke(line);
            }
        }
    }

    // SIGTERM (or the given signal), then SIGKILL if it has not exited within the grace period.
    public async Task StopAsync(TimeSpan grace, int signal = Signals.Term)
    {
        if (_process.HasExited)
        {
            return;
        }
        _ = Kill(_process.Id, signal);
        if (await Task.WhenAny(_exited.Task, Task.Delay(grace)) != _exited.Task)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited in between.
            }
            await _exited.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }

    public void Signal(int signal) => _ = Kill(_process.Id, signal);

    // Any process of ours, e.g. one this one started (tests freeze PostgreSQL's backends one by one: each leads a
    // session of its own, so no process group holds them all).
    public static void Signal(int pid, int signal) => _ = Kill(pid, signal);

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    // PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not only the process.
    // Thread-pool threads come and go, so every child is forked from one thread that lives as long as we do.
    private static class Spawner
    {
        private static readonly BlockingCollection<(ProcessStartInfo StartInfo, TaskCompletionSource<Process> Started)> Requests = new();

        static Spawner()
        {
            new Thread(() =>
            {
                foreach (var (startInfo, started) in Requests.GetConsumingEnumerable())
                {
                    try
                    {
                        started.SetResult(Process.Start(startInfo)!);
                    }
                    catch (Exception ex)
                    {
                        started.SetException(ex);
                    }
                }
            })
            { IsBackground = true, Name = "child-process-spawner" }.Start();
        }

        public static Process Start(ProcessStartInfo startInfo)
        {
            var started = new TaskCompletionSource<Process>();
            Requests.Add((startInfo, started));
            return started.Task.GetAwaiter().GetResult();
        }
    }
}

public static class Signals
{
    public const int Int = 2;
    public const int Kill = 9;
    public const int Term = 15;
    public const int Cont = 18;
    public const int Stop = 19;
}

public sealed record ChildProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public string? WorkingDirectory { get; init; }
    public string? RunAsUser { get; init; }
    public string ParentDeathSignal { get; init; } = "TERM";
}
