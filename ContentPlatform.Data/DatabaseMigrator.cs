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
    // Api and Worker replicas all call this at start-up. EF Core's Migrate() takes a database-wide
    // migration lock, so replicas take turns: the first applies the migrations, the rest find none left.
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger(typeof(DatabaseMigrator));
        // A context of its own: on an empty database EF Core first queries __EFMigrationsHistory, which fails
        // and would be logged as an error although it is expected. Only this context logs failed commands at Debug;
        // a migration that really fails still throws.
        var options = new DbContextOptionsBuilder<ContentDbContext>()
            .UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.CommandTimeout(
                (int)ServiceTimeouts.From(services.GetRequiredService<IConfiguration>()).DatabaseMigrationCommand.TotalSeconds))
            .UseLoggerFactory(loggerFactory)
            .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.CommandError, LogLevel.Debug)));
        ContentDbContext.UseConventions(options);
        await using var db = new ContentDbContext(options.Options);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && attempt < 30)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Error}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
