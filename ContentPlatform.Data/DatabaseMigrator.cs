using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContentPlatform.Data;

public static class DatabaseMigrator
{
    // pg_advisory_lock's key for "migrating the schema"; any fixed number no other code uses.
    private const long MigrationLock = 7_340_152_668_321_475_001;

    // Api and Worker replicas all call this at start-up, and take turns: the first applies the migrations, the rest
    // find none left. The turns are a session-level advisory lock held around the whole of Migrate(): EF Core's own
    // lock (Npgsql's is a LOCK TABLE in each migration's transaction) let a replica that had listed the pending
    // migrations before another one applied them apply the second of two migrations again.
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger(typeof(DatabaseMigrator));
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var migrationTimeout = ServiceTimeouts.From(services.GetRequiredService<IConfiguration>()).DatabaseMigrationCommand;
        var commandTimeout = (int)migrationTimeout.TotalSeconds;
        // A context of its own: on an empty database EF Core first queries __EFMigrationsHistory, which fails
        // and would be logged as an error although it is expected. Only this context logs failed commands at Debug;
        // a migration that really fails still throws.
        var options = new DbContextOptionsBuilder<ContentDbContext>()
            .UseNpgsql(dataSource, npgsql => npgsql.CommandTimeout(commandTimeout))
            .UseLoggerFactory(loggerFactory)
            .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.CommandError, LogLevel.Debug)));
        ContentDbContext.UseConventions(options);
        await using var db = new ContentDbContext(options.Options);

        var started = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await RunAsync(connection, "select pg_advisory_lock(@key)", commandTimeout, cancellationToken);
                try
                {
                    await db.Database.MigrateAsync(cancellationToken);
                }
                finally
                {
                    await RunAsync(connection, "select pg_advisory_unlock(@key)", commandTimeout, CancellationToken.None);
                }
                return;
            }
            // A database still starting, or a connection it dropped; never a migration statement that ran into its own
            // timeout, which only happens once that much time has passed.
            catch (Exception ex) when (TransientNpgsqlError(ex) is { } transient && attempt < 30 && started.Elapsed < migrationTimeout)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Error}", attempt, transient.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    // EF Core's execution strategy hands a transient error on wrapped in an InvalidOperationException (a read that timed
    // out in a migration's first seconds, on a test machine starting a dozen databases at once).
    private static NpgsqlException? TransientNpgsqlError(Exception? ex) =>
        ex switch
        {
            null => null,
            NpgsqlException { IsTransient: true } npgsql => npgsql,
            _ => TransientNpgsqlError(ex.InnerException),
        };

    private static async Task RunAsync(NpgsqlConnection connection, string sql, int timeoutSeconds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = timeoutSeconds };
        command.Parameters.AddWithValue("key", MigrationLock);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
