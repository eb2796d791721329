using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Generation.Images;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ContentPlatform.Generation.WebsiteAnalysis;

public static class WebsiteAnalysisExtensions
{
    private const string ServiceDiscoveryHandler = "Microsoft.Extensions.ServiceDiscovery.Http.ResolvingHttpDelegatingHandler";

    // Registers WebsiteAnalyzer (scoped) and what it uses. Needs ContentDbContext; uses the IChatClient and
    // IModelInfo model access registers (without an IModelInfo, it is offline exactly when no IChatClient is registered).
    public static IHostApplicationBuilder AddWebsiteAnalysis(this IHostApplicationBuilder builder)
    {
        builder.AddImageGeneration();
        builder.Services.AddOptions<WebsiteAnalysisOptions>().BindConfiguration(WebsiteAnalysisOptions.SectionName);
        builder.Services.TryAddSingleton<IModelInfo, ChatClientModelInfo>();
        builder.Services.TryAddScoped<WebsiteAnalysisStore>();
        builder.Services.TryAddScoped<WebsiteAnalyzer>();

        var fetcher = builder.Services.AddHttpClient<WebsiteFetcher>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services =>
                SafeConnection.CreateHandler(services.GetRequiredService<IOptions<WebsiteAnalysisOptions>>().Value));
        // ServiceDefaults gives every client the standard handler tuned for calling our own services; this one
        // calls strangers' websites, so it gets its own. RemoveAllResilienceHandlers is the library's way to do that.
#pragma warning disable EXTEXP0001
        fetcher.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        // Service discovery (also from ServiceDefaults) would rewrite "http://api/" to an internal address from
        // configuration before SafeConnection sees the host: a stranger's URL must never name one of our services.
        // The handler type is internal to Microsoft.Extensions.ServiceDiscovery; WebsiteFetcherTests checks it is gone.
        fetcher.ConfigureAdditionalHttpMessageHandlers((handlers, _) =>
        {
            foreach (var discovery in handlers.Where(h => h.GetType().FullName == ServiceDiscoveryHandler).ToArray())
            {
                handlers.Remove(discovery);
            }
        });
        fetcher.AddStandardResilienceHandler(ConfigureResilience);
        return builder;
    }

    // The standard handler tuned for fetching strangers' pages: a couple of quick retries of transient failures,
    // never a retry of a refused address, and no circuit breaker (one broken website must not stop the others).
    private static void ConfigureResilience(HttpStandardResilienceOptions options)
    {
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(25);
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(250);
        options.Retry.ShouldHandle = args => ValueTask.FromResult(
            args.Outcome.Exception is not HttpRequestException { InnerException: WebsiteFetchException }
            && HttpClientResiliencePredicates.IsTransient(args.Outcome));
        options.CircuitBreaker.ShouldHandle = _ => PredicateResult.False();
    }
}
