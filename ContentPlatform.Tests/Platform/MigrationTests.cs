using ContentPlatform.Data;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ContentPlatform.Tests.Platform;

public sealed class MigrationTests
{
    [Fact]
    public async Task Replicas_migrating_at_once_apply_every_migration_exactly_once()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = await servers.CreateDatabaseAsync("migrations");

        var hosts = Enumerable.Range(0, 4).Select(_ => BuildHost(connectionString)).ToList();
        await Task.WhenAll(hosts.Select(host => host.Services.MigrateDatabaseAsync()));

        await using var scope = hosts[0].Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from \"__EFMigrationsHistory\"", connection);
        Assert.Equal((long)db.Database.GetMigrations().Count(), await count.ExecuteScalarAsync());

        foreach (var host in hosts)
        {
            host.Dispose();
        }
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        var servers = await TestServers.GetAsync();
        using var host = BuildHost(await servers.CreateDatabaseAsync("model"));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();

        Assert.False(db.Database.HasPendingModelChanges(), "The EF model changed without a migration: run `dotnet ef migrations add`.");
    }

    private static IHost BuildHost(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:contentdb"] = connectionString;
        builder.AddContentDatabase();
        return builder.Build();
    }
}
