using System.Net;
using ContentPlatform.Hosting.Servers;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ContentPlatform.Tests.Platform;

// Health reflects the backing services as they are now: a frozen Redis turns /health Unhealthy and
// it recovers by itself, with no restart. This class freezes a Redis of its own, not the shared one.
public sealed class HealthTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private WebApplicationFactory<Program> _api = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        _redis = await RedisServer.StartAsync(
            new RedisServerOptions(TestServers.NewTempDirectory("health-redis"), TestServers.FreePort(), "health") { Durable = false },
            onOutput: null, CancellationToken.None);
        var database = await servers.CreateDatabaseAsync("health");
        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:contentdb", database)
            .UseSetting("ConnectionStrings:redis", _redis.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        FrozenServer.Thaw(_redis.Process);
        await _api.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Health_turns_unhealthy_while_redis_is_frozen_and_recovers_without_restart()
    {
        using var client = _api.CreateClient();
        Assert.Equal("Healthy", await WaitForHealthAsync(client, "Healthy"));

        using (FrozenServer.Freeze(_redis.Process))
        {
            Assert.Equal("Unhealthy", await WaitForHealthAsync(client, "Unhealthy"));
        }

        Assert.Equal("Healthy", await WaitForHealthAsync(client, "Healthy"));
    }

    [Fact]
    public async Task Alive_answers_while_redis_is_frozen()
    {
        using var client = _api.CreateClient();
        using (FrozenServer.Freeze(_redis.Process))
        {
            var response = await client.GetAsync("/alive");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    private static async Task<string> WaitForHealthAsync(HttpClient client, string expected)
    {
        var last = "";
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var response = await client.GetAsync("/health");
            last = await response.Content.ReadAsStringAsync();
            var expectedStatus = expected == "Healthy" ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable;
            if (last == expected && response.StatusCode == expectedStatus)
            {
                return last;
            }
            await Task.Delay(250);
        }
        return last;
    }
}
