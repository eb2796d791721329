using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace ContentPlatform.Tests.SocketIO;

// As the documents' frontends run it: a page on the allowed CORS origin loads socket.io-client's browser bundle
// (from npm, no CDN), connects with auth { token }, queues a generation with fetch and shows job_completed.
[Collection(SocketIOApiCollection.Name)]
public sealed class BrowserTests(SocketIOApi api)
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [Fact]
    public async Task A_page_on_the_allowed_origin_receives_job_completed_in_headless_chromium()
    {
        var (http, user) = await api.CreateUserAsync();
        await using var page = await StartPageServerAsync(api, user.Token);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        var tab = await browser.NewPageAsync();

        await tab.GotoAsync(api.PageOrigin + "/");
        await tab.WaitForFunctionAsync("() => document.getElementById('event').textContent !== ''", null,
            new() { Timeout = 60_000, PollingInterval = 100 });

        var log = await tab.InnerTextAsync("#log");
        var jobId = await tab.InnerTextAsync("#job");
        var payload = JsonDocument.Parse(await tab.InnerTextAsync("#event")).RootElement;
        Assert.Contains("connected", log);
        await SocketIOClientTests.AssertSameAsStatusEndpointAsync(http, user, jobId, payload);
    }

    private static async Task<WebApplication> StartPageServerAsync(SocketIOApi api, string token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(api.PageOrigin);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(Page(api.Url, token), "text/html; charset=utf-8"));
        app.MapGet("/socket.io.min.js", () => Results.File(NodePackages.BrowserBundle, "text/javascript"));
        await app.StartAsync();
        return app;
    }

    private static string Page(string apiUrl, string token) => $$"""
        <!doctype html>
        <html>
        <body>
          <pre id="log"></pre>
          <pre id="job"></pre>
          <pre id="event"></pre>
          <script src="/socket.io.min.js"></script>
          <script>
            const api = {{JsonSerializer.Serialize(apiUrl)}};
            const token = {{JsonSerializer.Serialize(token)}};
            const log = (line) => { document.getElementById("log").textContent += line + "\n"; };
            const socket = io(api, { auth: { token } });
            socket.on("connect_error", (error) => log("connect_error: " + error.message));
            socket.on("job_completed", (data) => { document.getElementById("event").textContent = JSON.stringify(data); });
            socket.on("connect", async () => {
              log("connected " + socket.id);
              const response = await fetch(api + "/generate-content", {
                method: "POST",
                headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
                body: JSON.stringify({ prompt: "Browser launch week", contentType: "Social Media Caption" }),
              });
              document.getElementById("job").textContent = (await response.json()).jobId;
            });
          </script>
        </body>
        </html>
        """;
}
