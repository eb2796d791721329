using System.Collections.Concurrent;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Tests.WebsiteAnalysis;

// A real HTTP server (Kestrel on a free loopback port) whose pages each test defines.
public sealed class TestWebsite : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<string> requests = new();

    private TestWebsite(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
    }

    public int Port { get; }
    public string Origin => $"http://127.0.0.1:{Port}";
    public IReadOnlyCollection<string> Requests => requests;

    public static async Task<TestWebsite> StartAsync(Action<WebApplication> mapPages)
    {
        var port = TestServers.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var website = new TestWebsite(app, port);
        app.Use(async (context, next) =>
        {
            website.requests.Enqueue(context.Request.Path);
            await next(context);
        });
        mapPages(app);
        await app.StartAsync();
        return website;
    }

    public static Task WriteHtmlAsync(HttpContext context, string html, string contentType = "text/html; charset=utf-8")
    {
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(html);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
