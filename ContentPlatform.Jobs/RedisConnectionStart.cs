using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace ContentPlatform.Jobs;

// Connects to Redis while the host starts, before the first request. Aspire's client integration creates the
// multiplexer on first use with a synchronous Connect: a burst of first requests would each hold a thread-pool
// thread waiting for it, starving the very threads the connection's handshake needs, until it timed out.
internal sealed class RedisConnectionStart(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        Task.Run(() => services.GetRequiredService<IConnectionMultiplexer>(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
