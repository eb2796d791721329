using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

// Stand-ins for Aspire.Npgsql.EntityFrameworkCore.PostgreSQL and Aspire.StackExchange.Redis, which
// cannot be restored here: same call shape, same configuration key (ConnectionStrings:<name>).
public static class ClientIntegrations
{
    // Health checks must fail fast when a server stops answering (e.g. a frozen process),
    // not after the client's own, much longer, timeouts.
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(3);

    public static void AddNpgsqlDbContext<TContext>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<DbContextOptionsBuilder>? configureDbContextOptions = null)
        where TContext : DbContext
    {
        var connectionString = RequiredConnectionString(builder.Configuration, connectionName);

        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        dataSourceBuilder.EnableDynamicJson();
        var dataSource = dataSourceBuilder.Build();
        builder.Services.AddSingleton(dataSource);

        builder.Services.AddDbContextPool<TContext>(options =>
        {
            options.UseNpgsql(dataSource, npgsql => npgsql.EnableRetryOnFailure());
            configureDbContextOptions?.Invoke(options);
        });

        builder.Services.AddHealthChecks().AddNpgSql(
            sp => sp.GetRequiredService<NpgsqlDataSource>(),
            name: connectionName,
            timeout: HealthCheckTimeout);
    }

    public static void AddRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = RequiredConnectionString(builder.Configuration, connectionName);

        var options = ConfigurationOptions.Parse(connectionString);
        // Start even while Redis is down; the multiplexer reconnects by itself.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        options.SyncTimeout = 5000;
        options.AsyncTimeout = 5000;
        options.ClientName ??= builder.Environment.ApplicationName;

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => new RedisPingHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
            failureStatus: null,
            tags: null,
            timeout: HealthCheckTimeout));
    }

    // AspNetCore.HealthChecks.Redis ignores the check's cancellation and waits out StackExchange.Redis' own
    // timeout, so /health took over 5 s to answer while Redis was frozen; this one gives up when the check times out.
    private sealed class RedisPingHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
    }

    private static string RequiredConnectionString(IConfiguration configuration, string connectionName) =>
        configuration.GetConnectionString(connectionName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Start the system through ContentPlatform.AppHost, " +
                $"or set the environment variable ConnectionStrings__{connectionName}.");
}
