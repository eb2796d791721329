using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Generation.WebsiteAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Tests.WebsiteAnalysis;

public sealed class WebsiteFetcherTests : IAsyncLifetime
{
    private const string Refused = "Refused to fetch a private or local address";
    private TestWebsite website = null!;

    public async Task InitializeAsync() => website = await TestWebsite.StartAsync(app =>
    {
        app.MapGet("/", (HttpContext context) => TestWebsite.WriteHtmlAsync(context, "<html><title>Hello</title><p>Hi</p></html>"));
        app.MapGet("/secret", (HttpContext context) => TestWebsite.WriteHtmlAsync(context, "<p>internal</p>"));
        app.MapGet("/to/{*target}", (string target) => Results.Redirect(Uri.UnescapeDataString(target)));
        app.MapGet("/loop/{n:int}", (int n) => Results.Redirect($"/loop/{n + 1}"));
        app.MapGet("/error", () => Results.StatusCode(500));
        app.MapGet("/missing", () => Results.NotFound());
        app.MapGet("/image", () => Results.Bytes(new byte[] { 1, 2, 3 }, "image/png"));
        app.MapGet("/big", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html";
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'a');
            for (var i = 0; i < 48; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
            // Never finishes: only a limit enforced while streaming ends this request.
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        app.MapGet("/big-declared", () => Results.Text(new string('a', 3 * 1024 * 1024), "text/html"));
        app.MapGet("/slow", async (HttpContext context) => await Task.Delay(Timeout.Infinite, context.RequestAborted));
    });

    // Each test owns the hosts it builds; they are disposed with it.
    private readonly List<IHost> hosts = [];

    public async Task DisposeAsync()
    {
        foreach (var host in hosts)
        {
            host.Dispose();
        }
        await website.DisposeAsync();
    }

    private async Task<WebsiteFetcher> FetcherAsync(string allowedHosts, string? timeout = null, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>()) { ["WebsiteAnalysis:AllowedHosts"] = allowedHosts };
        if (timeout is not null)
        {
            settings["WebsiteAnalysis:FetchTimeout"] = timeout;
        }
        var host = await AnalysisHost.StartAsync(settings: settings);
        hosts.Add(host);
        return host.Services.GetRequiredService<WebsiteFetcher>();
    }

    private static async Task<WebsiteFetchException> FailsAsync(WebsiteFetcher fetcher, string url) =>
        await Assert.ThrowsAsync<WebsiteFetchException>(() => fetcher.FetchAsync(url, CancellationToken.None));

    [Fact]
    public async Task Loopback_is_refused_by_default_without_connecting()
    {
        var fetcher = await FetcherAsync(allowedHosts: "");

        var error = await FailsAsync(fetcher, $"{website.Origin}/");

        Assert.Equal(Refused, error.Message);
        Assert.Equal(GenerationErrorCodes.RefusedAddress, error.ErrorCode);
        Assert.Empty(website.Requests);
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var error = await FailsAsync(fetcher, $"http://localhost:{website.Port}/");

        Assert.Equal(Refused, error.Message);
        Assert.Empty(website.Requests);
    }

    [Fact]
    public async Task A_port_other_than_80_and_443_is_refused_unless_the_allowed_host_lists_it()
    {
        var bare = await FetcherAsync(allowedHosts: "127.0.0.1");
        var otherPort = await FetcherAsync(allowedHosts: $"127.0.0.1:{website.Port + 1}");

        Assert.Equal($"Refused to fetch port {website.Port}: only ports 80 and 443 are fetched", (await FailsAsync(bare, $"{website.Origin}/")).Message);
        await FailsAsync(otherPort, $"{website.Origin}/");
        Assert.Empty(website.Requests);

        var listed = await FetcherAsync(allowedHosts: $"127.0.0.1:{website.Port}");
        Assert.Equal("text/html", (await listed.FetchAsync($"{website.Origin}/", CancellationToken.None)).MediaType);
    }

    [Fact]
    public async Task An_allowed_host_name_that_resolves_to_loopback_is_refused_unless_the_address_is_allowed_too()
    {
        var byName = await FetcherAsync(allowedHosts: "localhost:*");

        Assert.Equal(Refused, (await FailsAsync(byName, $"http://localhost:{website.Port}/")).Message);
        Assert.Empty(website.Requests);

        var withAddress = await FetcherAsync(allowedHosts: "localhost:*, 127.0.0.1:*");
        Assert.Equal("text/html", (await withAddress.FetchAsync($"http://localhost:{website.Port}/", CancellationToken.None)).MediaType);
    }

    [Fact]
    public async Task A_service_name_is_not_resolved_through_service_discovery()
    {
        // ServiceDefaults' service discovery would turn http://api/ into the configured (allowed) address.
        var fetcher = await FetcherAsync(
            allowedHosts: "127.0.0.1:*, api:*",
            extra: new Dictionary<string, string?> { ["services:api:http:0"] = website.Origin });

        var error = await FailsAsync(fetcher, "http://api/secret");

        Assert.Equal(GenerationErrorCodes.DnsFailure, error.ErrorCode);
        Assert.Empty(website.Requests);
    }

    [Fact]
    public async Task A_host_in_allowed_hosts_is_fetched()
    {
        var fetcher = await FetcherAsync(allowedHosts: "example.org, 127.0.0.1:*");

        var page = await fetcher.FetchAsync($"{website.Origin}/", CancellationToken.None);

        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("<title>Hello</title>", System.Text.Encoding.UTF8.GetString(page.Body));
    }

    [Theory]
    [InlineData("http://localhost:{port}/secret")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/secret")]
    [InlineData("http://10.0.0.1/")]
    public async Task A_redirect_from_an_allowed_host_to_a_refused_address_is_refused(string target)
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");
        var location = Uri.EscapeDataString(target.Replace("{port}", website.Port.ToString()));

        var error = await FailsAsync(fetcher, $"{website.Origin}/to/{location}");

        Assert.Equal(Refused, error.Message);
        Assert.DoesNotContain("/secret", website.Requests);
    }

    [Fact]
    public async Task A_redirect_within_the_allowed_host_is_followed()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var page = await fetcher.FetchAsync($"{website.Origin}/to/{Uri.EscapeDataString("/secret")}", CancellationToken.None);

        Assert.Equal($"{website.Origin}/secret", page.Url.AbsoluteUri);
    }

    [Fact]
    public async Task Redirects_are_bounded()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var error = await FailsAsync(fetcher, $"{website.Origin}/loop/0");

        Assert.Equal("Website redirected more than 5 times", error.Message);
        Assert.Equal(6, website.Requests.Count(path => path.StartsWith("/loop/", StringComparison.Ordinal)));
    }

    // Spellings of 127.0.0.1 and ::1; whatever Uri makes of them, the address actually connected to is checked.
    [Theory]
    [InlineData("http://2130706433:{port}/")]
    [InlineData("http://0x7f000001:{port}/")]
    [InlineData("http://0x7f.0.0.1:{port}/")]
    [InlineData("http://0177.0.0.1:{port}/")]
    [InlineData("http://127.1:{port}/")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/")]
    [InlineData("http://[::ffff:7f00:1]:{port}/")]
    [InlineData("http://[::1]:{port}/")]
    [InlineData("http://0.0.0.0:{port}/")]
    public async Task Literal_address_spellings_of_loopback_are_refused(string url)
    {
        var fetcher = await FetcherAsync(allowedHosts: "");

        var error = await FailsAsync(fetcher, url.Replace("{port}", website.Port.ToString()));

        Assert.Equal(Refused, error.Message);
        Assert.Empty(website.Requests);
    }

    [Theory]
    [InlineData("ftp://example.com/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("example.com")]
    [InlineData("/relative/path")]
    [InlineData("")]
    public async Task Only_absolute_http_and_https_urls_are_fetched(string url)
    {
        var fetcher = await FetcherAsync(allowedHosts: "");

        var error = await FailsAsync(fetcher, url);

        Assert.Equal("The website address must be an absolute http or https URL", error.Message);
        Assert.Equal(GenerationErrorCodes.InvalidUrl, error.ErrorCode);
    }

    [Fact]
    public async Task Http_500_is_a_readable_error()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var error = await FailsAsync(fetcher, $"{website.Origin}/error");

        Assert.Equal("Website returned HTTP 500", error.Message);
        Assert.Equal(GenerationErrorCodes.HttpError, error.ErrorCode);
    }

    [Fact]
    public async Task Http_404_is_a_readable_error_and_not_retried()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var error = await FailsAsync(fetcher, $"{website.Origin}/missing");

        Assert.Equal("Website returned HTTP 404", error.Message);
        Assert.Single(website.Requests, path => path == "/missing");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_stopped_while_it_streams()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var error = await FailsAsync(fetcher, $"{website.Origin}/big");

        Assert.Equal("Website response is larger than 2 MB", error.Message);
        Assert.Equal(GenerationErrorCodes.TooLarge, error.ErrorCode);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var error = await FailsAsync(fetcher, $"{website.Origin}/big-declared");

        Assert.Equal("Website response is larger than 2 MB", error.Message);
    }

    [Fact]
    public async Task A_response_that_is_not_a_page_is_refused()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var error = await FailsAsync(fetcher, $"{website.Origin}/image");

        Assert.Equal("Website did not return a web page (it returned image/png)", error.Message);
    }

    [Fact]
    public async Task A_website_that_does_not_answer_times_out_with_a_readable_error()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*", timeout: "00:00:01");

        var error = await FailsAsync(fetcher, $"{website.Origin}/slow");

        Assert.Equal("Website did not respond within 1 seconds", error.Message);
        Assert.Equal(GenerationErrorCodes.Timeout, error.ErrorCode);
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_is_a_readable_error()
    {
        var fetcher = await FetcherAsync(allowedHosts: "");

        var error = await FailsAsync(fetcher, "http://no-such-host.invalid/");

        Assert.Equal("Could not find the website's address (no-such-host.invalid)", error.Message);
        Assert.Equal(GenerationErrorCodes.DnsFailure, error.ErrorCode);
    }

    [Fact]
    public async Task A_closed_port_is_a_readable_error()
    {
        var fetcher = await FetcherAsync(allowedHosts: "127.0.0.1:*");

        var error = await FailsAsync(fetcher, $"http://127.0.0.1:{Infrastructure.TestServers.FreePort()}/");

        Assert.Equal("Could not connect to the website", error.Message);
        Assert.Equal(GenerationErrorCodes.Unreachable, error.ErrorCode);
    }
}
