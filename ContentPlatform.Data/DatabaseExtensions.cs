using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ContentPlatform.Data;

public static class DatabaseExtensions
{
    public const string ConnectionName = "contentdb";

    // Aspire's Npgsql data source (health check, metrics, tracing, logging) shared by the job store's hand-written
    // SQL and a pooled ContentDbContext with our conventions, which Aspire's EF integration then enriches
    // (retries, EF tracing and metrics; the data source already has the health check).
    public static void AddContentDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ConnectionName, configureDataSourceBuilder: dataSource => dataSource.EnableDynamicJson());
        builder.Services.AddDbContextPool<ContentDbContext>((services, options) =>
        {
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>());
            ContentDbContext.UseConventions(options);
        });
        builder.EnrichNpgsqlDbContext<ContentDbContext>(settings => settings.DisableHealthChecks = true);
    }
}
