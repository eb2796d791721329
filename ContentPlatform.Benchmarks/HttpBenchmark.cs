using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Hosting.PostgreSQL;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Hosting.Servers;
using Npgsql;
using StackExchange.Redis;

namespace ContentPlatform.Benchmarks;

internal sealed record HttpBenchmarkSettings(int DurationSeconds, int StatusConnections, int EnqueueConnections, int Repeat);

// The HTTP hot paths side by side with the documents' own stack, in one run on one machine: the system started
// through the AppHost's `production` launch profile (on ports of its own, so it runs beside a development AppHost),
// and express/server.mjs (Express 4 + jsonwebtoken + BullMQ 6.7 on a Redis of its own), both driven by the same
// autocannon (express/load.mjs) with the same token: authenticated status polls and authenticated enqueues.
internal static class HttpBenchmark
{
    private const string PollPath = "/generate-content";
    private const string JobsPath = "/api/v1/jobs";
    private const string GenerationBody = """{"prompt":"The future of artificial intelligence in healthcare","contentType":"Blog Post Outline"}""";
    private const string ContentGenerationBody =
        """{"topic":{"title":"5 backup habits that protect nonprofit data"},"businessInfo":{"businessType":"IT services","targetAudience":"nonprofit executive directors"}}""";

    private sealed record Target(string Path, string Side, string Kind, int Connections, double TargetRatio, double TargetP99Ms);

    private const int MaxWarmUpRounds = 8;

    // Each measured path starts with this much of the same load, unmeasured (express/load.mjs --warmup): the load
    // generator's own start, not the server's, was the slowest half second of a path.
    private const int LoadWarmUpSeconds = 2;

    private const string Status = "status";
    private const string Enqueue = "enqueue";
    private const string Floor = "floor";

    // Requests: those measured; WarmUpRequests: those of the load generator's own warm-up just before (their CPU is in
    // the same window).
    private sealed record Load(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long WarmUpRequests, long Non2xx, long Errors)
    {
        // CPU time per 1,000 requests of each of the side's server processes (the load generator not counted).
        public IReadOnlyList<(string Process, double Milliseconds)> CpuPerThousand { get; init; } = [];

        // The share of the machine's CPU time the hypervisor gave to other guests meanwhile (MachineCpu).
        public double Steal { get; init; }

        // Our PostgreSQL's transactions (every statement of the Api is one) per request, warm-up requests included:
        // how many requests a batched insert or status read served. NaN on the documents' side.
        public double SqlPerRequest { get; init; } = double.NaN;

        // The garbage collections our Api ran during the path (its load generator's warm-up included), and how long they
        // paused it: a p99 many times the p50 is first looked for here. Null on the documents' side and for medians.
        public string? Collections { get; init; }

        // Each figure's median over the rounds (the middle one, or the upper of the two middle ones).
        public static Load Median(IReadOnlyList<Load> rounds)
        {
            double Of(Func<Load, double> figure) => rounds.Select(figure).Order().ElementAt(rounds.Count / 2);
            // Counts are of all rounds: one failed request in any round is one too many.
            return new Load(Of(l => l.RequestsPerSecond), Of(l => l.P50Ms), Of(l => l.P99Ms), rounds.Sum(l => l.Requests), rounds.Sum(l => l.WarmUpRequests),
                rounds.Sum(l => l.Non2xx), rounds.Sum(l => l.Errors))
            {
                CpuPerThousand = rounds[0].CpuPerThousand.Select((c, i) => (c.Process, Of(l => l.CpuPerThousand[i].Milliseconds))).ToList(),
                Steal = Of(l => l.Steal),
                SqlPerRequest = Of(l => l.SqlPerRequest),
            };
        }
    }

    // The verdicts are those of the last table: the medians with --repeat, else the one round.
    public static async Task<IReadOnlyList<TargetVerdict>> RunAsync(HttpBenchmarkSettings settings)
    {
        var node = await NodePackages.InstallAsync("express", "express");
        var root = Path.Combine(Path.GetTempPath(), "contentplatform-bench", Guid.NewGuid().ToString("N"));
        var jwtKey = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var (apiPort, postgresPort, redisPort, expressPort) = (Ports.GetFree(), Ports.GetFree(), Ports.GetFree(), Ports.GetFree());

        Console.WriteLine("Starting the system (AppHost, launch profile production) ...");
        await using var appHost = StartAppHost(root, (apiPort, postgresPort, redisPort), jwtKey, out var appHostOutput);
        using var ours = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        await WaitUntilAsync(async () => (await ours.GetAsync("/health")).IsSuccessStatusCode, appHost, TimeSpan.FromMinutes(5),
            () => string.Join('\n', appHostOutput.TakeLast(40)));

        Console.WriteLine("Starting the documents' stack (Express, jsonwebtoken, BullMQ) on a Redis of its own ...");
        var redisPassword = Guid.NewGuid().ToString("N");
        await using var redis = await RedisServer.StartAsync(
            new RedisServerOptions(Path.Combine(root, "express-redis"), Ports.GetFree(), redisPassword), null, CancellationToken.None);
        await using var express = await NodePackages.StartServerAsync(node, "express", "server.mjs",
            ["--port", expressPort.ToString(), "--redis-port", redis.Options.Port.ToString(), "--redis-password", redisPassword, "--jwt-key", jwtKey]);
        using var theirs = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{expressPort}") };

        // One user and one token for both sides (the same key signs and checks it); one job each to poll.
        var token = await RegisterAsync(ours);
        var ourJob = await QueueAsync(ours, token);
        var theirJob = await QueueAsync(theirs, token);

        // Where each side's CPU goes: our Api, PostgreSQL and Redis (found by the ports they were given); the Express
        // process and its Redis.
        bool RunsOurApi(int pid) => Environ(pid).Contains($"ASPNETCORE_URLS=http://localhost:{apiPort}");
        var sides = new Dictionary<string, (string Name, int Pid)[]>
        {
            ["ours"] =
            [
                ("Api", FindProcess(RunsOurApi)),
                ("PostgreSQL", FindProcess(pid => CommandLine(pid).Contains("postgres -D") && CommandLine(pid).EndsWith($" -p {postgresPort}", StringComparison.Ordinal))),
                // Redis names itself by its address.
                ("Redis", FindProcess(pid => CommandLine(pid).EndsWith($"redis-server 127.0.0.1:{redisPort}", StringComparison.Ordinal))),
            ],
            ["documents"] = [("Express", express.Id), ("its Redis", redis.Process.Id)],
        };

        // The passwords the AppHost generated into its state folder.
        var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "state", "parameters.json"))).RootElement;
        var database = PostgresCluster.ConnectionStringFor(postgresPort, parameters.GetProperty("postgres-password").GetString()!) +
            $";Database={DatabaseExtensions.ConnectionName}";
        var ourRedisPassword = parameters.GetProperty("redis-password").GetString()!;
        var oursUrl = $"http://127.0.0.1:{apiPort}";
        var theirsUrl = $"http://127.0.0.1:{expressPort}";
        var runs = new (Target Target, string Url, string Method, string? Body)[]
        {
            (new($"GET {PollPath}/{{id}}", "documents", Status, settings.StatusConnections, 0, 0), $"{theirsUrl}{PollPath}/{theirJob}", "GET", null),
            // What the machine gives any request of our Api: an answer at routing, before the middleware, with no work.
            (new("GET /alive", "ours", Floor, settings.StatusConnections, 0, 0), $"{oursUrl}/alive", "GET", null),
            (new($"GET {PollPath}/{{id}}", "ours", Status, settings.StatusConnections, 10, 20), $"{oursUrl}{PollPath}/{ourJob}", "GET", null),
            (new($"GET {JobsPath}/{{id}}/status", "ours", Status, settings.StatusConnections, 10, 20), $"{oursUrl}{JobsPath}/{ourJob}/status", "GET", null),
            (new($"POST {PollPath}", "documents", Enqueue, settings.EnqueueConnections, 0, 0), $"{theirsUrl}{PollPath}", "POST", GenerationBody),
            (new($"POST {PollPath}", "ours", Enqueue, settings.EnqueueConnections, 5, 50), $"{oursUrl}{PollPath}", "POST", GenerationBody),
            (new($"POST {JobsPath}/content-generation", "ours", Enqueue, settings.EnqueueConnections, 5, 50), $"{oursUrl}{JobsPath}/content-generation", "POST", ContentGenerationBody),
        };

        // Every path, in rounds, before any is measured, until .NET's tiered compilation in the Api has settled: the
        // figures are a long-running server's. The first rounds re-compile the hot methods as optimized code on a
        // background thread, seconds of CPU taken from whichever path happens to be measured then. The enqueues come
        // first in a round, so the rows they add are vacuumed while the polls run, not in the first measured path.
        Console.WriteLine("Warming up ...");
        await TieredCompilationCpu.WarmUpAsync(sides["ours"].Where(p => p.Name == "Api").SelectMany(p => ProcessCpu.TreePids(p.Pid)),
            1, TimeSpan.Zero, MaxWarmUpRounds, rounds => $"{rounds} round(s) of every path, in the Api", async () =>
            {
                foreach (var (target, url, method, body) in runs.Where(run => run.Target.Kind != Floor).OrderBy(run => run.Target.Kind == Status))
                {
                    await RunLoadAsync(node, url, method, body, token, target.Connections, Math.Min(5, settings.DurationSeconds));
                }
            });
        // The Api's own runtime, whose garbage collections are watched: the AppHost starts it through `dotnet run`, the
        // first process of its tree.
        var api = FindProcess(pid => RunsOurApi(pid) && !CommandLine(pid).StartsWith("dotnet run ", StringComparison.Ordinal));
        // Every path once per round; with --repeat, each round is printed and then every figure's median, so that one
        // 10 s window that met a slow spell of the machine (a p99 can double from one round to the next) does not
        // decide the verdict alone.
        var rounds = new List<List<(Target Target, Load Load)>>();
        IReadOnlyList<TargetVerdict> verdicts = [];
        for (var round = 1; round <= settings.Repeat; round++)
        {
            Console.WriteLine($"Round {round} of {settings.Repeat}:");
            Console.WriteLine($"  {await RewriteAppendOnlyFileAsync(ourRedisPassword, redisPort)}");
            var results = new List<(Target Target, Load Load)>();
            foreach (var (target, url, method, body) in runs)
            {
                Console.WriteLine($"  {target.Side}: {target.Path}, {target.Connections} connections ...");
                var processes = sides[target.Side].Where(p => p.Pid > 0).ToList();
                var before = processes.Select(p => ProcessCpu.OfTree(p.Pid)).ToList();
                var machineBefore = MachineCpu.Now();
                var isOurs = target.Side == "ours";
                var sqlBefore = isOurs ? await SqlTransactionsAsync(database) : 0;
                var collections = isOurs ? new GarbageCollections(api) : null;
                var load = await RunLoadAsync(node, url, method, body, token, target.Connections, settings.DurationSeconds, LoadWarmUpSeconds);
                var requests = Math.Max(1, load.Requests + load.WarmUpRequests);
                results.Add((target, load with
                {
                    CpuPerThousand = processes.Select((p, i) => (p.Name, (ProcessCpu.OfTree(p.Pid) - before[i]).TotalMilliseconds * 1000 / requests)).ToList(),
                    Steal = MachineCpu.Now().StealSince(machineBefore),
                    SqlPerRequest = isOurs ? (await SqlTransactionsAsync(database) - sqlBefore) / (double)requests : double.NaN,
                    Collections = collections is null ? null : await collections.StopAsync(),
                }));
            }
            verdicts = Print($"Round {round}", results, settings);
            rounds.Add(results);
        }
        if (settings.Repeat > 1)
        {
            verdicts = Print($"Medians of {settings.Repeat} rounds",
                runs.Select((run, i) => (run.Target, Load.Median(rounds.Select(round => round[i].Load).ToList()))).ToList(), settings);
        }
        await express.StopAsync(TimeSpan.FromSeconds(10));
        await appHost.StopAsync(TimeSpan.FromSeconds(60));
        return verdicts;
    }

    private static ChildProcess StartAppHost(string root, (int Api, int Postgres, int Redis) ports, string jwtKey, out List<string> output)
    {
        var lines = new List<string>();
        output = lines;
        // The configuration this benchmark runs in; the project references make sure the AppHost is built in it too.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return ChildProcess.Start(new ChildProcessSpec("dotnet",
            ["run", "--no-build", "-c", configuration, "--project", Path.Combine(RepositoryLayout.Root(), "ContentPlatform.AppHost"),
             "--launch-profile", "production", "--",
             $"--AppHost:StateDirectory={Path.Combine(root, "state")}", $"--AppHost:ApiPort={ports.Api}",
             $"--AppHost:PostgresPort={ports.Postgres}", $"--AppHost:RedisPort={ports.Redis}", $"--Parameters:jwt-key={jwtKey}",
             // The benchmark's one user makes every request: the per-caller limit on job creation would answer 429.
             "--RateLimiting:Jobs:PermitLimit=1000000000",
             // The enqueue alone, as on the documents' side, whose stack runs no worker: no Worker runs the queued jobs
             // on the same cores while the paths are measured. Queued generations are delayed jobs, as the documents' are.
             "--AppHost:WorkerReplicas=0", "--GenerateContent:DelaySeconds=3600"])
        { WorkingDirectory = RepositoryLayout.Root() },
            line =>
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            });
    }

    private static async Task<string> RegisterAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/auth/register",
            new { name = "Bench", email = $"bench-{Guid.NewGuid():N}@example.com", password = "password123" });
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!
            : throw new InvalidOperationException($"{http.BaseAddress} answered {(int)response.StatusCode} to POST /auth/register: {body}");
    }

    private static async Task<string> QueueAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PollPath)
        {
            Content = new StringContent(GenerationBody, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode
            ? body.GetProperty("jobId").GetString()!
            : throw new InvalidOperationException($"{http.BaseAddress} answered {(int)response.StatusCode} to POST {PollPath}: {body}");
    }

    private static async Task<Load> RunLoadAsync(string node, string url, string method, string? body, string token, int connections, int seconds,
        int warmUpSeconds = 0)
    {
        string? json = null;
        List<string> arguments = ["load.mjs", "--url", url, "--method", method, "--token", token,
            "--connections", connections.ToString(), "--duration", seconds.ToString(), "--warmup", warmUpSeconds.ToString()];
        if (body is not null)
        {
            arguments.AddRange(["--body", body]);
        }
        await using var load = ChildProcess.Start(new ChildProcessSpec("node", arguments) { WorkingDirectory = node },
            line => json = line.StartsWith('{') ? line : json);
        await load.Completed;
        if (load.ExitCode != 0 || json is null)
        {
            throw new InvalidOperationException($"autocannon failed on {method} {url} (exit code {load.ExitCode}).");
        }
        var figures = JsonDocument.Parse(json).RootElement;
        return new Load(figures.GetProperty("requestsPerSecond").GetDouble(), figures.GetProperty("p50Ms").GetDouble(),
            figures.GetProperty("p99Ms").GetDouble(), figures.GetProperty("requests").GetInt64(), figures.GetProperty("warmupRequests").GetInt64(),
            figures.GetProperty("non2xx").GetInt64(), figures.GetProperty("errors").GetInt64());
    }

    private static List<TargetVerdict> Print(string title, List<(Target Target, Load Load)> results, HttpBenchmarkSettings settings)
    {
        var verdicts = new List<TargetVerdict>();
        Console.WriteLine();
        Console.WriteLine($"{title}: {settings.DurationSeconds} s per run after a warm-up of every path, {Environment.ProcessorCount} cores, " +
            $"load average {MachineCpu.LoadAverage()} (1 min) now");
        Console.WriteLine();
        Console.WriteLine("| path | connections | ours req/s | p50 | p99 | documents' stack req/s | p50 | p99 | ratio | target | met |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (target, load) in results.Where(r => r.Target.Side == "ours" && r.Target.Kind != Floor))
        {
            // The documents' figure for the same kind of request: their status poll, or their enqueue.
            var reference = results.Single(r => r.Target.Side == "documents" && r.Target.Kind == target.Kind).Load;
            var ratio = load.RequestsPerSecond / reference.RequestsPerSecond;
            var met = ratio >= target.TargetRatio && load.P99Ms <= target.TargetP99Ms && load.Non2xx == 0 && load.Errors == 0;
            verdicts.Add(new TargetVerdict($"{target.Path}, {target.Connections} connections: ≥ {target.TargetRatio}× the documents' stack, p99 ≤ {target.TargetP99Ms} ms",
                $"{ratio:F1}× ({load.RequestsPerSecond:N0} against {reference.RequestsPerSecond:N0} req/s), p99 {load.P99Ms:F0} ms" +
                (load.Non2xx + load.Errors > 0 ? $", {load.Non2xx + load.Errors} failed" : ""), met));
            Console.WriteLine($"| {target.Path} | {target.Connections} | {load.RequestsPerSecond:N0} | {load.P50Ms:F0} ms | {load.P99Ms:F0} ms " +
                $"| {reference.RequestsPerSecond:N0} | {reference.P50Ms:F0} ms | {reference.P99Ms:F0} ms | {ratio:F1}× " +
                $"| ≥ {target.TargetRatio}×, p99 ≤ {target.TargetP99Ms} ms | {(met ? "yes" : "no")} |");
        }
        foreach (var (target, load) in results.Where(r => r.Target.Kind == Floor))
        {
            Console.WriteLine();
            Console.WriteLine($"The machine's floor: our Api's {target.Path} (answered at routing: no middleware, no token, no database), " +
                $"{target.Connections} connections: {load.RequestsPerSecond:N0} req/s, p50 {load.P50Ms:F0} ms, p99 {load.P99Ms:F0} ms.");
        }
        Console.WriteLine();
        Console.WriteLine("| path | side | CPU per 1,000 requests | SQL transactions per request | machine's CPU taken by the hypervisor | our Api's garbage collections |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (target, load) in results)
        {
            Console.WriteLine($"| {target.Path} | {target.Side} | {load.CpuPerThousand.Sum(c => c.Milliseconds):N0} ms: " +
                string.Join(", ", load.CpuPerThousand.Select(c => $"{c.Process} {c.Milliseconds:N0} ms")) +
                $" | {(double.IsNaN(load.SqlPerRequest) ? "–" : load.SqlPerRequest.ToString("N3"))} | {load.Steal:P0} | {load.Collections ?? "–"} |");
        }
        foreach (var (target, load) in results.Where(r => r.Load.Non2xx > 0 || r.Load.Errors > 0))
        {
            Console.WriteLine($"{target.Side} {target.Path}: {load.Non2xx} answers not 2xx, {load.Errors} errors or timeouts of {load.Requests}");
        }
        return verdicts;
    }

    // The warm-up leaves our Redis holding about a million delayed jobs (no Worker runs), and Redis rewrites its append-only
    // file whenever the file has doubled since the last rewrite: a fork of the whole dataset, during which Redis answers
    // nothing (15 ms at 300 MB), then seconds of CPU in the child. Rewritten before each round, the next rewrite is more
    // enqueues away than a round's measured paths make, and none falls into one of them as a leftover of what came before.
    // The documents' Redis keeps no append-only file.
    private static async Task<string> RewriteAppendOnlyFileAsync(string password, int port)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},password={password},allowAdmin=true");
        var server = redis.GetServer($"127.0.0.1:{port}");
        var started = Stopwatch.StartNew();
        try
        {
            await server.ExecuteAsync("BGREWRITEAOF");
        }
        catch (RedisServerException ex) when (ex.Message.Contains("already in progress"))
        {
            // The rewrite the warm-up started: waited for below like our own.
        }
        while (true)
        {
            var persistence = (await server.InfoAsync("persistence")).SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value);
            if (persistence["aof_rewrite_in_progress"] == "0" && persistence["aof_rewrite_scheduled"] == "0")
            {
                var stats = (await server.InfoAsync("stats")).SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value);
                return $"our Redis rewrote its append-only file: {long.Parse(persistence["aof_base_size"]) / 1_000_000:N0} MB " +
                    $"in {started.Elapsed.TotalSeconds:N1} s, the fork {long.Parse(stats["latest_fork_usec"]) / 1000.0:N1} ms";
            }
            await Task.Delay(200);
        }
    }

    // PostgreSQL publishes a backend's counts when it goes idle, at most once a second: a path's figure may miss up to its
    // last second's transactions, or include the previous path's.
    private static async Task<long> SqlTransactionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select xact_commit + xact_rollback from pg_stat_database where datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The oldest process that matches (the root of its tree: `dotnet run` before the Api, the postmaster before its
    // backends); 0, which counts nothing, when none does.
    private static int FindProcess(Func<int, bool> matches) =>
        Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && matches(pid))
            .DefaultIfEmpty(0)
            .Min();

    private static string CommandLine(int pid) => Read($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();

    private static string Environ(int pid) => Read($"/proc/{pid}/environ").Replace('\0', '\n');

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, ChildProcess appHost, TimeSpan limit, Func<string> explain)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            if (appHost.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited (code {appHost.ExitCode}) before the system was healthy. Its last lines:\n{explain()}");
            }
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
            try
            {
                await Task.Delay(500, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The system was not healthy within {limit}. The AppHost's last lines:\n{explain()}");
            }
        }
    }
}
