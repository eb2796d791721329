using Npgsql;
using StackExchange.Redis;

namespace ContentPlatform.Tests.Infrastructure;

public sealed class TestServersTests
{
    [Fact]
    public async Task Throwaway_postgres_and_redis_answer()
    {
        var servers = await TestServers.GetAsync();

        await using var connection = new NpgsqlConnection(await servers.CreateDatabaseAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 41 + 1", connection);
        Assert.Equal(42, await command.ExecuteScalarAsync());

        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        Assert.True((await redis.GetDatabase().PingAsync()) < TimeSpan.FromSeconds(5));
    }
}
