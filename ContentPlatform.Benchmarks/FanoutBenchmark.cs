using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContentPlatform.Data.Entities;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Servers;
using ContentPlatform.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace ContentPlatform.Benchmarks;

internal sealed record FanoutBenchmarkSettings(int[] Connections, int Events, int Burst, FanoutKind[] Kinds, bool CompareNode, string? BaselineApi);

// What N concurrent subscribers are, and which jobs end in a round.
internal enum FanoutKind
{
    // GET /events, every connection the same user's: one job's end reaches all N.
    EventsOneUser,
    // GET /events, one user per connection: a burst of jobs, each of another user, ends at once.
    EventsPerUser,
    // GET /api/v1/jobs/{id}/stream, one job per connection (each its own user's): a burst of them ends at once.
    JobStream,
    // Socket.IO, every socket the same user's: one job's end reaches all N.
    SocketIO,
    // Socket.IO, one user per socket: a burst of jobs, each of another user, ends at once.
    SocketIOPerUser,
}

// How many subscribers one Api process holds, its memory and CPU per connection and per delivery, and the latency from
// a job's completion to each subscriber's receipt: the job rows are committed as succeeded (JobStore.FinishAsync, as a
// Worker does) and then the terminal events are published as a Worker publishes a finished batch (JobScripts.Finish:
// the event streams and the notification channels); the clock starts just before that commit. With the documents'
// own servers beside it (socket.io 4.8.4, and Express 4 SSE), fed by the same Redis channel, in the same run. The clients live in this
// process (FanoutClients.cs), the same for every server. With --baseline-api, another build of the Api (e.g. of the
// previous commit) serves each row too, for a before/after comparison from one run.
internal static class FanoutBenchmark
{
    private const int ConnectParallelism = 64;
    private const int MinWarmUpRounds = 2;
    private const int MaxWarmUpRounds = 10;
    // The performance target, set for 10,000 subscribers of one Api process (each row is judged by it): completion →
    // client p99, with every connection held and every receipt in.
    private const double TargetP99Ms = 100;
    private const string Issuer = "contentplatform-api";
    private const string Audience = "contentplatform";

    // A verdict per size and kind: our Api's row (not a baseline's), the documents' servers' p99 beside it.
    public static async Task<IReadOnlyList<TargetVerdict>> RunAsync(FanoutBenchmarkSettings settings)
    {
        var socketIONode = settings.CompareNode && settings.Kinds.Any(IsSocketIO)
            ? await NodePackages.InstallAsync("socketio", "socket.io") : null;
        var expressNode = settings.CompareNode && !settings.Kinds.All(IsSocketIO)
            ? await NodePackages.InstallAsync("express", "express") : null;
        var root = Path.Combine(Path.GetTempPath(), "contentplatform-bench", Guid.NewGuid().ToString("N"));
        var password = Guid.NewGuid().ToString("N");
        Console.WriteLine("Starting PostgreSQL and Redis ...");
        await using var postgres = await PostgresServer.StartAsync(
            new PostgresServerOptions(Path.Combine(root, "postgres"), Ports.GetFree(), password) { Durable = false }, null, CancellationToken.None);
        await using var redisServer = await RedisServer.StartAsync(
            new RedisServerOptions(Path.Combine(root, "redis"), Ports.GetFree(), password) { Durable = false }, null, CancellationToken.None);
        await postgres.CreateDatabaseIfMissingAsync("fanout_bench", CancellationToken.None);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisServer.ConnectionString);
        var prefix = $"bench{Guid.NewGuid():N}"[..13] + ":";
        var jwtKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

        var apis = new List<(string Name, ChildProcess Process, Uri Uri)>();
        foreach (var (name, assembly) in new[] { ("ContentPlatform.Api", RepositoryLayout.BuiltAssembly("ContentPlatform.Api")) }
            .Concat(settings.BaselineApi is { } baseline ? [("ContentPlatform.Api, baseline", baseline)] : []))
        {
            var (process, uri) = await StartApiAsync(assembly, name, postgres.ConnectionStringFor("fanout_bench"), redisServer.ConnectionString, jwtKey, prefix);
            apis.Add((name, process, uri));
        }

        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionStringFor("fanout_bench"));
        await using var store = new JobStore(dataSource);
        var keys = new JobKeys(prefix);
        var jobs = new Jobs(store, redis.GetDatabase(), keys, new JobEventPublisher(redis, keys, Options.Create(new JobsOptions { KeyPrefix = prefix })));
        var users = await CreateUsersAsync(dataSource, settings.Connections.Max(), jwtKey);

        var nodeServers = new List<(string Name, ChildProcess Process, Uri Uri, FanoutKind[] Kinds)>();
        var verdicts = new List<TargetVerdict>();
        try
        {
            if (socketIONode is not null)
            {
                var port = Ports.GetFree();
                nodeServers.Add(("socket.io 4.8.4 (Node 20)", await NodePackages.StartServerAsync(socketIONode, "socket.io", "server.mjs",
                    ["--port", port.ToString(), "--redis-port", redisServer.Options.Port.ToString(), "--redis-password", password,
                     "--channel", prefix + "user-events", "--jwt-key", jwtKey]), new Uri($"http://127.0.0.1:{port}"), [FanoutKind.SocketIO, FanoutKind.SocketIOPerUser]));
            }
            if (expressNode is not null)
            {
                var port = Ports.GetFree();
                nodeServers.Add(("Express 4 SSE (Node 20)", await NodePackages.StartServerAsync(expressNode, "express", "events.mjs",
                    ["--port", port.ToString(), "--redis-port", redisServer.Options.Port.ToString(), "--redis-password", password,
                     "--channel", prefix + "user-events", "--jwt-key", jwtKey]), new Uri($"http://127.0.0.1:{port}"),
                    [FanoutKind.EventsOneUser, FanoutKind.EventsPerUser, FanoutKind.JobStream]));
            }

            Console.WriteLine($"{settings.Events} rounds per row: one job's end for the one-user rows, a burst of {settings.Burst} jobs' ends " +
                $"(each followed by one connection) for the others; {Environment.ProcessorCount} cores, load average {MachineCpu.LoadAverage()}");
            Console.WriteLine();
            Console.WriteLine("| subscribers | server | connections asked | held | server memory per connection | live .NET heap per connection | server CPU per delivery | benchmark's CPU per receipt | completion→client p50 | p99 | max | p99 ≤ 100 ms |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var count in settings.Connections)
            {
                foreach (var kind in settings.Kinds)
                {
                    Result? ours = null;
                    foreach (var api in apis)
                    {
                        var result = Print(await MeasureAsync(kind, api.Name, api.Uri, api.Process.Id, managed: true, count, settings, users, jobs));
                        ours ??= result;
                    }
                    var peers = new List<Result>();
                    foreach (var node in nodeServers.Where(n => n.Kinds.Contains(kind)))
                    {
                        peers.Add(Print(await MeasureAsync(kind, node.Name, node.Uri, node.Process.Id, managed: false, count, settings, users, jobs)));
                    }
                    verdicts.Add(Verdict(ours!, peers));
                }
            }
        }
        finally
        {
            foreach (var process in nodeServers.Select(n => n.Process).Concat(apis.Select(a => a.Process)))
            {
                await process.DisposeAsync();
            }
            NpgsqlConnection.ClearAllPools();
        }
        return verdicts;
    }

    // The Api as a process (Release, Production), once it answered a registration (which also waits for its migrations).
    private static async Task<(ChildProcess Process, Uri Uri)> StartApiAsync(
        string assembly, string name, string database, string redis, string jwtKey, string prefix)
    {
        var port = Ports.GetFree();
        Console.WriteLine($"Starting {name} (Release, Production) ...");
        var process = ChildProcess.Start(new ChildProcessSpec("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly),
            Environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__contentdb"] = database,
                ["ConnectionStrings__redis"] = redis,
                ["Jwt__Key"] = jwtKey,
                ["Jobs__KeyPrefix"] = prefix,
                ["Logging__LogLevel__Default"] = "Warning",
            },
        }, line => Console.WriteLine($"  {name}: {line}"));
        var uri = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = uri };
        await WaitUntilAsync(async () => (await http.GetAsync("/alive")).IsSuccessStatusCode);
        (await http.PostAsJsonAsync("/auth/register",
            new { name = "Bench", email = $"bench-{Guid.NewGuid():N}@example.com", password = "password123" })).EnsureSuccessStatusCode();
        return (process, uri);
    }

    private sealed record User(Guid Id, string Token);

    private sealed record Result(FanoutKind Kind, string Server, int Asked, int Held, double KilobytesPerConnection, double HeapKilobytesPerConnection, double CpuMicrosecondsPerDelivery,
        double ClientCpuMicrosecondsPerDelivery, double P50, double P99, double Max, int Missed);

    private static string Describe(FanoutKind kind) => kind switch
    {
        FanoutKind.EventsOneUser => "`GET /events`, one user",
        FanoutKind.EventsPerUser => "`GET /events`, a user each",
        FanoutKind.JobStream => "job stream, a job each",
        FanoutKind.SocketIO => "Socket.IO, one user",
        _ => "Socket.IO, a user each",
    };

    private static bool IsSocketIO(FanoutKind kind) => kind is FanoutKind.SocketIO or FanoutKind.SocketIOPerUser;

    private static bool Met(Result r) => r.P99 <= TargetP99Ms && r.Missed == 0 && r.Held == r.Asked;

    private static Result Print(Result r)
    {
        Console.WriteLine($"| {Describe(r.Kind)} | {r.Server} | {r.Asked:N0} | {r.Held:N0} | {r.KilobytesPerConnection:F1} KB | " +
            (double.IsNaN(r.HeapKilobytesPerConnection) ? "– | " : $"{r.HeapKilobytesPerConnection:F1} KB | ") + $"{r.CpuMicrosecondsPerDelivery:N0} µs | " +
            $"{r.ClientCpuMicrosecondsPerDelivery:N0} µs | " +
            $"{r.P50:F1} ms | {r.P99:F1} ms | {r.Max:F1} ms | {(Met(r) ? "yes" : "no")} |" +
            (r.Missed > 0 ? $" {r.Missed} receipts missing" : ""));
        return r;
    }

    private static TargetVerdict Verdict(Result ours, IEnumerable<Result> peers) =>
        new($"{Describe(ours.Kind)}, {ours.Asked:N0} connections to one Api process: completion → client p99 ≤ {TargetP99Ms} ms, every connection held, every receipt in",
            $"p99 {ours.P99:F1} ms, {ours.Held:N0} held, {ours.HeapKilobytesPerConnection:F1} KB of heap per connection" +
            (ours.Missed > 0 ? $", {ours.Missed} receipts missing" : "") +
            string.Concat(peers.Select(peer => $" ({peer.Server}: p99 {peer.P99:F1} ms, {peer.KilobytesPerConnection:F1} KB per connection)")),
            Met(ours));

    private static async Task<Result> MeasureAsync(
        FanoutKind kind, string server, Uri baseUri, int pid, bool managed, int count, FanoutBenchmarkSettings settings, IReadOnlyList<User> users, Jobs jobs)
    {
        var oneUser = kind is FanoutKind.EventsOneUser or FanoutKind.SocketIO;
        // The job each connection follows (job streams), created and running before it connects.
        var followed = kind == FanoutKind.JobStream ? await jobs.StartAsync(users.Take(count).Select(u => u.Id).ToList()) : null;
        var (heapBefore, before) = await MemoryAsync(pid, managed);
        var clients = new FanoutClient?[count];
        var receiver = new FanoutReceiver();
        ConnectAll(count, i =>
        {
            var user = users[oneUser ? 0 : i];
            clients[i] = kind switch
            {
                FanoutKind.SocketIO or FanoutKind.SocketIOPerUser => FanoutClients.TryConnectSocketIO(baseUri, user.Token),
                FanoutKind.JobStream => FanoutClients.TryConnectSse(baseUri, $"/api/v1/jobs/{followed![i].Id}/stream?token={user.Token}"),
                _ => FanoutClients.TryConnectSse(baseUri, $"/events?token={user.Token}"),
            };
            if (clients[i] is { } client)
            {
                receiver.Add(client);
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (heapAfter, after) = await MemoryAsync(pid, managed);
        var held = clients.Count(c => c?.IsOpen == true);
        var perConnection = held > 0 ? (after - before) / (double)held : double.NaN;
        var heapPerConnection = held > 0 && managed ? (heapAfter - heapBefore) / 1024.0 / held : double.NaN;

        // Who gets which job's end in a round: every connection one job's (one user), or a burst of connections each its
        // own job's; each connection in one round at most, since a job stream ends with its job.
        var burstSize = Math.Max(1, Math.Min(settings.Burst, count / (settings.Events + MaxWarmUpRounds)));
        // One round: its receipts, how long the commit took, and the CPU the server and this process used from the commit
        // to the last receipt.
        async Task<(FanoutRound Round, TimeSpan Committed, TimeSpan Cpu, TimeSpan ClientCpu)> RoundAsync(int round)
        {
            IReadOnlyList<(int Client, Job Job)> receipts;
            if (oneUser)
            {
                var job = (await jobs.StartAsync([users[0].Id]))[0];
                receipts = Enumerable.Range(0, count).Select(i => (i, job)).ToList();
            }
            else
            {
                var burst = Enumerable.Range(round * burstSize, burstSize).Select(i => i % count).Distinct().ToList();
                var ending = followed is not null ? burst.Select(i => followed[i]).ToList() : await jobs.StartAsync(burst.Select(i => users[i].Id).ToList());
                receipts = burst.Select((client, n) => (client, ending[n])).ToList();
            }
            var expected = receipts.Where(r => clients[r.Client]?.IsOpen == true).ToList();
            var measured = new FanoutRound(expected.Count);
            foreach (var (client, job) in expected)
            {
                clients[client]!.Expect(measured, job.Id.ToString());
            }
            var cpuBefore = ProcessCpu.OfTree(pid);
            var clientCpuBefore = Environment.CpuUsage.TotalTime;
            var committed = await jobs.CompleteAsync(receipts.Select(r => r.Job).Distinct().ToList(), measured);
            await measured.AllReceived.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
            return (measured, committed, ProcessCpu.OfTree(pid) - cpuBefore, Environment.CpuUsage.TotalTime - clientCpuBefore);
        }

        // Warm-up rounds, not counted, until the server's tiered compilation has settled (this process compiles once, at
        // first call: see the project file). Its collections are watched from the first of them, so that reading the
        // session is compiled here before the measured rounds.
        var serverPids = ProcessCpu.TreePids(pid);
        var collections = managed ? new GarbageCollections(pid) : null;
        var rounds = 0;
        await TieredCompilationCpu.WarmUpAsync(serverPids, MinWarmUpRounds, TimeSpan.Zero, MaxWarmUpRounds,
            warmUps => $"{server}, {warmUps} round(s)", async () =>
            {
                await RoundAsync(rounds++);
                await Task.Delay(TimeSpan.FromSeconds(1));
            });

        var latencies = new List<double>();
        var missed = 0;
        var cpu = TimeSpan.Zero;
        var clientCpu = TimeSpan.Zero;
        var slowestCommit = 0.0;
        await using var serverCompilation = new TieredCompilationCpu(serverPids);
        var compiledBefore = serverCompilation.Total;
        collections?.CountFromNow();
        for (var measuredRounds = 0; measuredRounds < settings.Events; measuredRounds++)
        {
            var (measured, committed, roundCpu, roundClientCpu) = await RoundAsync(rounds++);
            cpu += roundCpu;
            clientCpu += roundClientCpu;
            slowestCommit = Math.Max(slowestCommit, committed.TotalMilliseconds);
            latencies.AddRange(measured.Latencies);
            missed += measured.Expected - measured.Latencies.Count;
            await Task.Delay(500);
        }
        var collected = collections is null ? "" : $"; {await collections.StopAsync()}";
        Console.WriteLine($"  {server}: tiered compilation in the measured rounds {(serverCompilation.Total - compiledBefore).TotalMilliseconds:N0} ms of CPU" +
            $"{collected}; the slowest commit of a round's ends {slowestCommit:F0} ms");

        receiver.Dispose();
        foreach (var client in clients)
        {
            client?.Dispose();
        }
        latencies.Sort();
        return new Result(kind, server, count, held, perConnection, heapPerConnection, latencies.Count > 0 ? cpu.TotalMicroseconds / latencies.Count : double.NaN,
            latencies.Count > 0 ? clientCpu.TotalMicroseconds / latencies.Count : double.NaN,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count > 0 ? latencies[^1] : double.NaN, missed);
    }

    // Connects with blocking calls (a client's socket is then read only by the receiver's epoll), ConnectParallelism at a time.
    private static void ConnectAll(int count, Action<int> connect)
    {
        var next = -1;
        var threads = Enumerable.Range(0, ConnectParallelism).Select(_ => new Thread(() =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                connect(i);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
    }

    // Jobs as the engine keeps them: rows created and claimed (running), then finished as a Worker finishes a batch.
    private sealed class Jobs(JobStore store, IDatabase redis, JobKeys keys, JobEventPublisher publisher)
    {
        private const string Result = """{"generatedContent":"# Benchmark outline\n\n## I. Introduction","generatedOffline":true,"model":"offline-templates"}""";

        // One running generate-content job per user given.
        public async Task<IReadOnlyList<Job>> StartAsync(IReadOnlyList<Guid> userIds)
        {
            var created = await store.InsertAsync(userIds.Select(userId => new NewJob(
                Guid.CreateVersion7(), "generate-content", userId, null, null, """{"prompt":"bench","contentType":"Blog Post Outline"}""",
                1, TimeSpan.Zero, null, null)).ToList());
            var claimed = await store.ClaimAsync(created.Select(job => new ClaimRequest(job!.Id, Reclaimed: false)).ToList());
            return claimed.Select(job => job!).ToList();
        }

        // Commits the jobs as succeeded (one statement), then publishes their terminal events with the Worker's own
        // batch script (JobScripts.Finish: each event appended to its job's stream if it has one (these report no
        // progress, so they have none and their job streams take the end from the user-events message) and published to the
        // user-events channel, one job-events notification for the batch; no stream messages to acknowledge here). The round's
        // clock starts before the commit: a job stream may also learn of the end from the row.
        // Returns how long the commit took: every receipt of the round comes after it.
        public async Task<TimeSpan> CompleteAsync(IReadOnlyList<Job> jobs, FanoutRound round)
        {
            round.Start = Stopwatch.GetTimestamp();
            var finished = await store.FinishAsync(jobs.Select(job => new JobOutcome(job.Id, job.Attempts, JobStatus.Succeeded, Result, null, null, TimeSpan.Zero)).ToList());
            var committed = Stopwatch.GetElapsedTime(round.Start);
            RedisValue[] args =
            [
                publisher.MaxLength, publisher.RetentionSeconds, keys.JobEventsChannel.ToString(), keys.UserEventsChannel.ToString(),
                JobKeys.ConsumerGroup, 0, finished.Count, "0",
                .. finished.SelectMany(job => new RedisValue[]
                {
                    job!.Id.ToString("N"), JobEventPublisher.TerminalType(job), JobEventPublisher.TerminalData(job), job.UserId!.Value.ToString("N"), 0, "",
                    JobEvents.RowEventId(job),
                }),
            ];
            await redis.ScriptEvaluateAsync(JobScripts.Finish, [.. finished.Select(job => keys.Events(job!.Id))], args);
            return committed;
        }
    }

    // Users inserted directly (registering 10,000 through the Api would mostly time password hashing), each with a
    // token signed as the Api signs its own (HS256, id, iss, aud, 30 days).
    private static async Task<IReadOnlyList<User>> CreateUsersAsync(NpgsqlDataSource dataSource, int count, string jwtKey)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var command = dataSource.CreateCommand("""
            insert into users (id, name, email, normalized_email, password_hash, status, created_at, updated_at)
            select id, 'Bench', 'bench-' || id || '@example.com', 'bench-' || id || '@example.com', 'not a hash', 'active', now(), now()
            from unnest(@ids) as u(id)
            """);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
        await command.ExecuteNonQueryAsync();
        var key = Encoding.UTF8.GetBytes(jwtKey);
        return ids.Select(id => new User(id, Token(id, key))).ToList();
    }

    private static string Token(Guid userId, byte[] key)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { id = userId.ToString(), iat = now, exp = now + 30 * 86400, iss = Issuer, aud = Audience }));
        var signature = Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    // The server's resident size and, of a .NET server, its live heap: measured once the server has closed what the
    // row before left (the count of its open files no longer falls) and after a full collection, so the connections of
    // the rows before are neither in the figure before this row's nor freed while they connect (which made the
    // resident size, and once the live heap, fall: a negative memory per connection).
    private static async Task<(long HeapBytes, long ResidentKilobytes)> MemoryAsync(int pid, bool managed)
    {
        var open = OpenFiles(pid);
        for (var waited = 0; waited < 60; waited++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var now = OpenFiles(pid);
            if (now >= open)
            {
                break;
            }
            open = now;
        }
        var heap = managed ? await ManagedHeap.AfterFullCollectionAsync(pid) : 0;
        await Task.Delay(TimeSpan.FromSeconds(2));
        return (heap, ResidentKilobytes(pid));
    }

    private static int OpenFiles(int pid) => Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();

    private static long ResidentKilobytes(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:")).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).Single();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not up yet.
            }
            await Task.Delay(200, timeout.Token);
        }
    }
}
