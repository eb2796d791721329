using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.Api;

// Account and job creation are limited per caller: the user, or the session id with the client address, where the
// client address comes from X-Forwarded-For only when the connection is from a configured proxy.
public sealed class RateLimitTests(RateLimitTests.Factory factory) : IClassFixture<RateLimitTests.Factory>
{
    private const string TooMany = "Too many requests, please try again later";

    public sealed class Factory : ApiFactory
    {
        public const string ClientAddressHeader = "X-Test-Client-Address";

        protected override int RegisterPermitLimit => 2;
        protected override int JobsPermitLimit => 2;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The test server has no socket: this header plays the connection's remote address.
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new ClientAddressFilter()));
        }

        private sealed class ClientAddressFilter : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, nextMiddleware) =>
                {
                    if (context.Request.Headers[ClientAddressHeader] is [{ } address])
                    {
                        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                    }
                    return nextMiddleware(context);
                });
                next(app);
            };
        }
    }

    private static HttpRequestMessage Register(string address, string? forwardedFor = null, string? session = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/register")
        {
            Content = JsonContent.Create(new { name = "N", email = $"r-{Guid.NewGuid():N}@example.com", password = "password123" }),
        };
        request.Headers.Add(Factory.ClientAddressHeader, address);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        if (session is not null)
        {
            request.Headers.Add("x-session-id", session);
        }
        return request;
    }

    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        await HttpAssert.MessageAsync(response, (HttpStatusCode)429, TooMany);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) > 0);
    }

    [Fact]
    public async Task Registrations_over_the_limit_answer_429_with_retry_after_while_another_address_still_registers()
    {
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Register("203.0.113.10"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Register("203.0.113.10"))).StatusCode);
        await AssertLimitedAsync(await client.SendAsync(Register("203.0.113.10")));

        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Register("203.0.113.11"))).StatusCode);
    }

    [Fact]
    public async Task A_forwarded_for_header_from_a_client_that_is_not_a_configured_proxy_does_not_escape_the_limit()
    {
        var client = factory.CreateClient();

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Register("198.51.100.20", forwardedFor: $"192.0.2.{i}"))).StatusCode);
        }
        await AssertLimitedAsync(await client.SendAsync(Register("198.51.100.20", forwardedFor: "192.0.2.99")));
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_forwarded_client_has_its_own_limit()
    {
        using var behindProxy = factory.WithWebHostBuilder(b => b.UseSetting("ForwardedHeaders:KnownProxies", "10.9.8.7"));
        var client = behindProxy.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Register("10.9.8.7", forwardedFor: $"192.0.2.{100 + i}"))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Register("10.9.8.7", forwardedFor: "192.0.2.200"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Register("10.9.8.7", forwardedFor: "192.0.2.200"))).StatusCode);
        await AssertLimitedAsync(await client.SendAsync(Register("10.9.8.7", forwardedFor: "192.0.2.200")));
    }

    [Fact]
    public async Task Job_creation_is_limited_per_user_and_another_user_is_not_affected()
    {
        var (first, _) = await factory.CreateUserAsync();
        var (second, _) = await factory.CreateUserAsync();
        var body = new { prompt = "Sourdough for beginners", contentType = "Blog Post Outline" };

        Assert.Equal(HttpStatusCode.Accepted, (await first.PostAsJsonAsync("/generate-content", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await first.PostAsJsonAsync("/generate-content", body)).StatusCode);
        await AssertLimitedAsync(await first.PostAsJsonAsync("/generate-content", body));

        Assert.Equal(HttpStatusCode.Accepted, (await second.PostAsJsonAsync("/generate-content", body)).StatusCode);
    }

    [Fact]
    public async Task Anonymous_job_creation_is_limited_per_session_and_address_in_the_api_v1_error_shape()
    {
        var client = factory.CreateClient();
        HttpRequestMessage Analyse(string session) => new(HttpMethod.Post, "/api/v1/jobs/website-analysis")
        {
            Content = JsonContent.Create(new { url = "https://example.com" }),
            Headers = { { "x-session-id", session }, { Factory.ClientAddressHeader, "203.0.113.30" } },
        };

        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Analyse("session-a"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Analyse("session-a"))).StatusCode);
        var limited = await client.SendAsync(Analyse("session-a"));

        var json = await HttpAssert.JsonAsync(limited, (HttpStatusCode)429);
        Assert.False(json.GetProperty("success").GetBoolean());
        Assert.Equal(TooMany, json.GetProperty("message").GetString());
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Analyse("session-b"))).StatusCode);
    }
}
