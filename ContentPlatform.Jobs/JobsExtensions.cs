using ContentPlatform.Jobs;
using ContentPlatform.Jobs.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class JobsExtensions
{
    // The producer side (JobQueue, JobEvents). Needs AddContentDatabase and AddRedisConnection first.
    public static IHostApplicationBuilder AddJobQueue(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(s => s.ServiceType == typeof(JobQueue)))
        {
            return builder;
        }
        services.AddOptions<JobsOptions>()
            .BindConfiguration(JobsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(sp => new JobKeys(sp.GetRequiredService<IOptions<JobsOptions>>().Value.KeyPrefix));
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<JobEventPublisher>();
        services.AddSingleton(sp => new JobQueue(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<JobKeys>(),
            sp.GetRequiredService<JobStore>(), sp.GetRequiredService<JobEventPublisher>(),
            sp.GetRequiredService<IOptions<JobsOptions>>(), sp.GetRequiredService<ILogger<JobQueue>>()));
        services.AddSingleton(sp => new JobEvents(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<JobKeys>(),
            sp.GetRequiredService<JobStore>()));
        services.AddHostedService<RedisConnectionStart>();
        return builder;
    }

    // The consumer side: runs the handlers added with AddHandler, takes over jobs of dead Workers, and
    // republishes queued jobs when Redis lost its data. Jobs:DiagnosticKinds adds the diagnostics.* kinds.
    public static JobWorkerBuilder AddJobWorker(this IHostApplicationBuilder builder)
    {
        builder.AddJobQueue();
        var worker = new JobWorkerBuilder(builder.Services);
        if (!builder.Services.Any(s => s.ImplementationType == typeof(JobWorker)))
        {
            builder.Services.AddHostedService<JobWorker>();
            builder.Services.AddHostedService<JobReconciler>();
            if (builder.Configuration.GetValue<bool>($"{JobsOptions.Section}:{nameof(JobsOptions.DiagnosticKinds)}"))
            {
                worker.AddDiagnosticHandlers();
            }
        }
        return worker;
    }
}

public sealed class JobWorkerBuilder(IServiceCollection services)
{
    public JobWorkerBuilder AddHandler<THandler>(string kind) where THandler : class, IJobHandler
    {
        services.AddKeyedScoped<IJobHandler, THandler>(kind);
        services.Configure<JobHandlerRegistry>(registry => registry.Kinds.Add(kind));
        return this;
    }
}
