using ContentPlatform.Data;
using ContentPlatform.Generation.Calendars;
using ContentPlatform.Generation.WebsiteAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Tests.WebsiteAnalysis;

// The services as a Worker composes them: ServiceDefaults (so the fetcher sits behind the same handler pipeline),
// PostgreSQL through AddContentDatabase, then website analysis and calendars.
public static class AnalysisHost
{
    public static async Task<IHost> StartAsync(
        string? connectionString = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Unused unless a test touches the database; AddContentDatabase requires a value.
            ["ConnectionStrings:contentdb"] = connectionString ?? "Host=127.0.0.1;Port=1;Database=none",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        builder.AddContentDatabase();
        configure?.Invoke(builder.Services);
        builder.AddWebsiteAnalysis();
        builder.AddContentCalendars();
        var host = builder.Build();
        if (connectionString is not null)
        {
            await host.Services.MigrateDatabaseAsync();
        }
        return host;
    }
}
