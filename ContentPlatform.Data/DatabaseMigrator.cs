using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContentPlatform.Data;

public static class DatabaseMigrator
{
    // Any constant works; it only has to be the same in every process that migrates.
    private const long MigrationLockKey = 0x436F6E74656E74; // "Content"

    // Api and Worker replicas all call this at start-up; a session-level advisory lock makes them take
    // turns, so the migrations are applied exactly once and the others find nothing left to do.
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator));
        var dataSource = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>();

        await using var lockConnection = await OpenWithRetryAsync(dataSource, logger, cancellationToken);
        await using (var acquire = new NpgsqlCommand("select pg_advisory_lock(@key)", lockConnection))
        {
            acquire.Parameters.AddWithValue("key", MigrationLockKey);
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migrations: {Migrations}", pending.Count, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }
        // Closing the lock connection releases the advisory lock.
    }

    private static async Task<NpgsqlConnection> OpenWithRetryAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(cancellationToken);
            }
            catch (NpgsqlException ex) when (attempt < 30)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Error}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
