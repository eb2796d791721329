using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisClientExtensions
{
    public const string ConnectionName = "redis";

    // The instrumentation keeps every command it traced (with its arguments, sampled trace or not) until its next
    // flush. At Aspire's 10 s, under load, that was thousands of commands old enough to survive gen0 and dying in gen1
    // or gen2: the Api's longest GC pauses (24–100 ms against 2–12 ms without them, README "Performance").
    private static readonly TimeSpan SpanFlushInterval = TimeSpan.FromMilliseconds(100);

    private const string RedisActivitySource = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    // Aspire's Redis client (health check, timeouts from ServiceTimeouts) with its commands traced by OpenTelemetry's
    // instrumentation, whose flush interval Aspire's own copy does not let us set. As in Aspire, the connection is
    // instrumented when it is created, so tracing never makes the host's start wait for Redis.
    public static void AddRedisConnection(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(ConnectionName, settings => settings.DisableTracing = true, ServiceTimeouts.From(builder.Configuration).ApplyTo);
        builder.Services.Configure<StackExchangeRedisInstrumentationOptions>(options => options.FlushInterval = SpanFlushInterval);
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(RedisActivitySource)
            .ConfigureRedisInstrumentation(_ => { })
            .AddInstrumentation(services => services.GetRequiredService<StackExchangeRedisInstrumentation>()));

        var connect = builder.Services.Last(service => service.ServiceType == typeof(IConnectionMultiplexer) && !service.IsKeyedService);
        builder.Services.Remove(connect);
        builder.Services.AddSingleton(services =>
        {
            var connection = (IConnectionMultiplexer)connect.ImplementationFactory!(services);
            services.GetService<StackExchangeRedisInstrumentation>()?.AddConnection(connection);
            return connection;
        });
    }
}
