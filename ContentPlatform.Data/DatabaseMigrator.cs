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
        var commandTimeout = (int)ServiceTimeouts.From(services.GetRequiredService<IConfiguration>()).DatabaseMigrationCommand.TotalSeconds;
        // A context of its own: on an empty database EF Core first queries __EFMigrationsHistory, which fails
        // and would be logged as an error although it is expected. Only this context logs failed commands at Debug;
        // a migration that really fails still throws.
        var options = new DbContextOptionsBuilder<ContentDbContext>()
            .UseNpgsql(dataSource, npgsql => npgsql.CommandTimeout(commandTimeout))
            .UseLoggerFactory(loggerFactory)
            .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.CommandError, LogLevel.Debug)));
        ContentDbContext.UseConventions(options);
        await using var db = new ContentDbContext(options.Options);

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
            catch (NpgsqlException ex) when (ex.IsTransient && attempt < 30)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Error}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static async Task RunAsync(NpgsqlConnection connection, string sql, int timeoutSeconds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = timeoutSeconds };
        command.Parameters.AddWithValue("key", MigrationLock);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
