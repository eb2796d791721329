using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ContentPlatform.Tests.Jobs;

// The job engine hosted in-process the way Api (queue only) and Worker (queue + worker) host it.
internal sealed class JobEngineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private JobEngineHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;
    public JobQueue Queue => Services.GetRequiredService<JobQueue>();
    public JobEvents Events => Services.GetRequiredService<JobEvents>();
    public IDatabase Redis => Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
    internal JobStore Store => Services.GetRequiredService<JobStore>();

    public static async Task<JobEngineHost> StartAsync(
        string database, string redis, string prefix,
        Action<JobWorkerBuilder>? worker = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:contentdb"] = database,
            ["ConnectionStrings:redis"] = redis,
            ["Jobs:KeyPrefix"] = prefix,
            ["Jobs:VisibilityTimeout"] = "00:00:05",
            ["Jobs:RetryBaseDelay"] = "00:00:00",
            ["Jobs:ReconcileInterval"] = "00:00:01",
            ["Jobs:ProgressWriteInterval"] = "00:00:00.100",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddContentDatabase();
        builder.AddRedisClient("redis");
        if (worker is not null)
        {
            worker(builder.AddJobWorker());
        }
        else
        {
            builder.AddJobQueue();
        }
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.Services.MigrateDatabaseAsync();
        await host.StartAsync();
        return new JobEngineHost(host);
    }

    public Task<Job?> GetJobAsync(Guid id) => Store.GetAsync(id, CancellationToken.None);

    public async Task<Job> WaitForAsync(Guid id, Func<Job, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await GetJobAsync(id) is { } job && condition(job))
            {
                return job;
            }
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                var last = await GetJobAsync(id);
                throw new TimeoutException($"Job {id} never reached the expected state; last seen {last?.Status} (attempts {last?.Attempts}, error {last?.Error}).");
            }
        }
    }

    public Task<Job> WaitForEndAsync(Guid id, TimeSpan? timeout = null) =>
        WaitForAsync(id, job => job.Status is JobStatus.Succeeded or JobStatus.Failed, timeout);

    public async Task<Guid> CreateUserAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var id = Guid.NewGuid();
        db.Users.Add(new User
        {
            Id = id, Name = "Job Tester", Email = $"{id:N}@example.com", NormalizedEmail = $"{id:N}@example.com",
            PasswordHash = "x", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(15));
        _host.Dispose();
    }
}

// A real ContentPlatform.Worker process, as the AppHost would run it.
internal static class WorkerProcess
{
    public static ChildProcess Start(string database, string redis, string prefix, IReadOnlyDictionary<string, string?> settings, Action<string>? onOutput = null)
    {
        var dll = RepositoryLayout.BuiltAssembly("ContentPlatform.Worker");
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__contentdb"] = database,
            ["ConnectionStrings__redis"] = redis,
            ["Jobs__KeyPrefix"] = prefix,
            ["Jobs__DiagnosticKinds"] = "true",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Infrastructure.TestServers.FreePort()}",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in settings)
        {
            environment[name.Replace(":", "__")] = value;
        }
        return ChildProcess.Start(new ChildProcessSpec("dotnet", [dll]) { Environment = environment }, onOutput);
    }
}
