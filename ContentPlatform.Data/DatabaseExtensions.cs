using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace ContentPlatform.Data;

public static class DatabaseExtensions
{
    public const string ConnectionName = "contentdb";

    // Aspire's Npgsql data source (health check, metrics, tracing, logging) shared by the job store's hand-written
    // SQL and a pooled ContentDbContext with our conventions, which Aspire's EF integration then enriches
    // (EF tracing and metrics; the data source already has the health check). Connect and command timeouts and
    // EF Core's retries come from ServiceTimeouts.
    public static void AddContentDatabase(this IHostApplicationBuilder builder)
    {
        var timeouts = ServiceTimeouts.From(builder.Configuration);
        builder.AddNpgsqlDataSource(ConnectionName,
            settings => settings.ConnectionString = settings.ConnectionString is { } given ? timeouts.ApplyTo(given) : null,
            dataSource =>
            {
                // A pooled connection is handed on as it was left: by default Npgsql resets it before its next use (with
                // prepared statements on it seven statements: RESET ALL, SET SESSION AUTHORIZATION DEFAULT, CLOSE ALL,
                // UNLISTEN *, pg_advisory_unlock_all(), DISCARD SEQUENCES, DISCARD TEMP), before every batch of jobs and
                // every status read. No code of ours leaves session state behind: nothing sets a setting, listens, makes
                // temporary tables or keeps an advisory lock (the migrator's is released in a finally).
                dataSource.ConnectionStringBuilder.NoResetOnClose = true;
                dataSource.EnableDynamicJson();
            });
        builder.Services.AddDbContextPool<ContentDbContext>((services, options) =>
        {
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(), npgsql =>
                npgsql.ExecutionStrategy(dependencies => new BoundedRetryStrategy(dependencies, timeouts)));
            ContentDbContext.UseConventions(options);
        });
        // Aspire's retries (6, up to 30 s apart) would turn a stalled database into minutes: ours are bounded above.
        builder.EnrichNpgsqlDbContext<ContentDbContext>(settings =>
        {
            settings.DisableHealthChecks = true;
            settings.DisableRetry = true;
        });
    }

    // Retries what fails fast (a pooled connection broken by a server restart), never a statement that timed out.
    private sealed class BoundedRetryStrategy(ExecutionStrategyDependencies dependencies, ServiceTimeouts timeouts)
        : NpgsqlRetryingExecutionStrategy(dependencies, timeouts.DatabaseRetries, timeouts.DatabaseRetryDelay, errorCodesToAdd: null)
    {
        protected override bool ShouldRetryOn(Exception? exception) => base.ShouldRetryOn(exception) && !TimedOut(exception);

        // Npgsql nests the TimeoutException of a connection attempt deeper than that of a statement.
        private static bool TimedOut(Exception? exception) =>
            exception is not null && (exception is TimeoutException || TimedOut(exception.InnerException));
    }
}
