using System.Net;
using System.Threading.RateLimiting;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Jobs;
using Microsoft.AspNetCore.HttpOverrides;

namespace ContentPlatform.Api.Extensions;

// Per-caller limits on the endpoints that create something expensive: accounts (POST /auth/register) and jobs.
// A caller is the signed-in user, else the x-session-id header together with the client address, so neither a new
// session id nor a new account escapes the limit of one address. The client address is the connection's, or the
// X-Forwarded-For of a proxy listed in ForwardedHeaders:KnownProxies / ForwardedHeaders:KnownNetworks (never a
// header from anyone else). Over the limit: 429 with Retry-After.
public static class RateLimits
{
    public const string Register = "register";
    public const string JobCreation = "job-creation";

    public static void AddCallerRateLimits(this IHostApplicationBuilder builder)
    {
        var register = Window(builder.Configuration.GetSection("RateLimiting:Register"), permits: 10, seconds: 600);
        var jobs = Window(builder.Configuration.GetSection("RateLimiting:Jobs"), permits: 60, seconds: 60);
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(Register, context => RateLimitPartition.GetFixedWindowLimiter(CallerKey(context), _ => register));
            options.AddPolicy(JobCreation, context => RateLimitPartition.GetFixedWindowLimiter(CallerKey(context), _ => jobs));
        });
        builder.Services.Configure<ForwardedHeadersOptions>(options => ConfigureForwardedHeaders(options, builder.Configuration));
    }

    private static FixedWindowRateLimiterOptions Window(IConfigurationSection section, int permits, int seconds) => new()
    {
        PermitLimit = section.GetValue("PermitLimit", permits),
        Window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", seconds)),
        QueueLimit = 0,
    };

    private static string CallerKey(HttpContext context)
    {
        if (context.User.TryGetUserId() is { } userId)
        {
            return $"user:{userId:N}";
        }
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var session = context.Request.Headers[Caller.SessionHeader].ToString();
        return $"anonymous:{address}:{session}";
    }

    // Only the listed proxies are believed; without a list, loopback (ASP.NET Core's default) is the only proxy.
    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        var proxies = List(configuration["ForwardedHeaders:KnownProxies"]);
        var networks = List(configuration["ForwardedHeaders:KnownNetworks"]);
        if (proxies.Length == 0 && networks.Length == 0)
        {
            return;
        }
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }

    private static string[] List(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
