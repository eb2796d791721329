using ContentPlatform.Generation.ModelAccess;
using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.WebsiteAnalysis;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Tests.WebsiteAnalysis;

// The offline pipeline end to end: a page served by the test, fetched, analyzed, saved in a real PostgreSQL.
public sealed class WebsiteAnalyzerTests : IAsyncLifetime
{
    private TestWebsite website = null!;
    private IHost host = null!;

    public async Task InitializeAsync()
    {
        website = await TestWebsite.StartAsync(app =>
        {
            app.MapGet("/bakery", (HttpContext context) => TestWebsite.WriteHtmlAsync(context, SamplePages.Bakery));
            app.MapGet("/software", (HttpContext context) => TestWebsite.WriteHtmlAsync(context, SamplePages.Software));
            app.MapGet("/broken", () => Results.StatusCode(500));
            app.MapGet("/empty", (HttpContext context) => TestWebsite.WriteHtmlAsync(context, "<html><body><script>x()</script></body></html>"));
        });
        var servers = await TestServers.GetAsync();
        host = await AnalysisHost.StartAsync(
            await servers.CreateDatabaseAsync("analysis"),
            new Dictionary<string, string?> { ["WebsiteAnalysis:AllowedHosts"] = "127.0.0.1:*" });
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await website.DisposeAsync();
    }

    private async Task<(WebsiteAnalysisResult Result, List<WebsiteAnalysisProgress> Progress)> RunAsync(string path, ContentOwner owner)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var progress = new List<WebsiteAnalysisProgress>();
        var result = await scope.ServiceProvider.GetRequiredService<WebsiteAnalyzer>().RunAsync(
            $"{website.Origin}{path}", owner, (update, _) => { progress.Add(update); return Task.CompletedTask; }, CancellationToken.None);
        return (result, progress);
    }

    [Fact]
    public async Task Offline_analysis_derives_the_business_from_the_page()
    {
        var (result, _) = await RunAsync("/bakery", ContentOwner.Session("session-bakery"));

        Assert.Equal("offline", result.Generator);
        Assert.Equal("Crumb & Co", result.Analysis.BusinessName);
        Assert.Equal("Bakery", result.Analysis.BusinessType);
        Assert.Equal("Crumb & Co bakes slow-fermented sourdough bread and pastries for busy families in Portland.", result.Analysis.Description);
        Assert.StartsWith("Busy families", result.Analysis.TargetAudience);
        Assert.Contains("sourdough", result.Analysis.Keywords);
        Assert.Equal(result.OrganizationId, result.Analysis.OrganizationId);
        Assert.Equal(["Sourdough bread, baked every morning", "Pastries for weekend brunch", "Sourdough classes"], result.Metadata.Headings);
        Assert.Contains(result.Ctas, cta => cta.Text == "Book a class");
        Assert.Equal(result.Ctas.Count, result.CtaCount);
        Assert.True(result.HasSufficientCTAs);
    }

    [Fact]
    public async Task A_different_page_gives_a_different_analysis()
    {
        var (result, _) = await RunAsync("/software", ContentOwner.Session("session-software"));

        Assert.Equal("Ledgerly", result.Analysis.BusinessName);
        Assert.Equal("Software", result.Analysis.BusinessType);
        Assert.StartsWith("Freelancers", result.Analysis.TargetAudience);
        Assert.Contains(result.Analysis.Keywords, k => k.Contains("invoic", StringComparison.Ordinal));
        Assert.Contains(result.Scenarios, s => s.ConversionPath == "Start your free trial");
    }

    [Fact]
    public async Task Scenarios_have_pitches_and_stored_png_images_and_are_saved_as_audiences_of_the_organization()
    {
        var owner = ContentOwner.Session("session-scenarios");
        var (result, _) = await RunAsync("/bakery", owner);

        Assert.Equal(3, result.Scenarios.Count);
        Assert.Equal(3, result.Scenarios.Select(s => s.Name).Distinct().Count());
        Assert.All(result.Scenarios, scenario =>
        {
            Assert.Contains("Crumb & Co", scenario.Pitch);
            Assert.Matches("^/api/v1/images/[0-9a-f-]{36}\\.png$", scenario.ImageUrl);
            Assert.NotEmpty(scenario.SeoKeywords);
        });

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var organization = await db.Organizations.SingleAsync(o => o.Id == result.OrganizationId);
        Assert.Equal("session-scenarios", organization.SessionId);
        Assert.Null(organization.UserId);
        Assert.Equal($"{website.Origin}/bakery", organization.Url);
        Assert.Equal("Bakery", organization.BusinessType);
        Assert.Contains("sourdough", organization.Keywords);

        var audiences = await db.Audiences.Where(a => a.OrganizationId == result.OrganizationId).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(result.Scenarios.Select(s => s.Id).Order(), audiences.Select(a => a.Id));
        foreach (var audience in audiences)
        {
            var scenario = result.Scenarios.Single(s => s.Id == audience.Id);
            Assert.Equal(scenario.Name, audience.Name);
            Assert.Equal(scenario.Pitch, audience.Pitch);
            Assert.Equal(scenario.ImageUrl, $"/api/v1/images/{audience.ImageId}.png");
            Assert.Equal("session-scenarios", audience.SessionId);
            Assert.Equal(scenario.Name, JsonDocument.Parse(audience.Scenario!).RootElement.GetProperty("name").GetString());
        }
        // Serving them is the Api's part (AsyncJobsEndToEndTests fetches one); here each is a stored PNG.
        var imageIds = audiences.Select(a => a.ImageId!.Value).ToList();
        var images = await db.Images.Where(i => imageIds.Contains(i.Id)).ToListAsync();
        Assert.Equal(imageIds.Distinct().Count(), images.Count);
        Assert.All(images, image =>
        {
            Assert.Equal("image/png", image.ContentType);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image.Bytes[..4]);
        });
    }

    [Fact]
    public async Task Analyzing_the_same_website_again_updates_the_organization_instead_of_adding_one()
    {
        var owner = ContentOwner.Session("session-twice");
        var first = (await RunAsync("/bakery", owner)).Result;
        var second = (await RunAsync("/bakery", owner)).Result;

        Assert.Equal(first.OrganizationId, second.OrganizationId);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        Assert.Equal(1, await db.Organizations.CountAsync(o => o.SessionId == "session-twice"));
        Assert.Equal(second.Scenarios.Select(s => s.Id).Order(),
            await db.Audiences.Where(a => a.SessionId == "session-twice").Select(a => a.Id).OrderBy(id => id).ToListAsync());
    }

    [Fact]
    public async Task Progress_goes_through_the_four_steps_in_order_and_rises()
    {
        var (_, progress) = await RunAsync("/bakery", ContentOwner.Session("session-progress"));

        Assert.Equal(
            [WebsiteAnalysisSteps.Analyzing, WebsiteAnalysisSteps.Audiences, WebsiteAnalysisSteps.Pitches, WebsiteAnalysisSteps.Images],
            progress.Select(p => p.CurrentStep));
        Assert.Equal(progress.Select(p => p.Progress).Order(), progress.Select(p => p.Progress));
        Assert.Equal(progress.Count, progress.Select(p => p.Progress).Distinct().Count());
    }

    [Fact]
    public async Task The_result_serializes_in_camel_case()
    {
        var (result, _) = await RunAsync("/bakery", ContentOwner.Session("session-json"));

        var json = JsonSerializer.SerializeToElement(result, GenerationJson.Options);

        Assert.Equal(result.OrganizationId, json.GetProperty("organizationId").GetGuid());
        Assert.Equal("Crumb & Co", json.GetProperty("analysis").GetProperty("businessName").GetString());
        var scenario = json.GetProperty("scenarios")[0];
        Assert.StartsWith("/api/v1/images/", scenario.GetProperty("imageUrl").GetString());
        Assert.True(scenario.GetProperty("targetSegment").TryGetProperty("demographics", out _));
        Assert.False(scenario.TryGetProperty("imageId", out _));
        Assert.True(json.GetProperty("hasSufficientCTAs").GetBoolean());
    }

    [Fact]
    public async Task A_failing_page_fails_with_a_readable_error_and_saves_nothing()
    {
        var error = await Assert.ThrowsAsync<WebsiteFetchException>(() => RunAsync("/broken", ContentOwner.Session("session-broken")));

        Assert.Equal("Website returned HTTP 500", error.Message);
        await using var scope = host.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<ContentDbContext>().Organizations.AnyAsync(o => o.SessionId == "session-broken"));
    }

    [Fact]
    public async Task A_page_without_text_fails_with_a_readable_error()
    {
        var error = await Assert.ThrowsAsync<GenerationFailedException>(() => RunAsync("/empty", ContentOwner.Session("session-empty")));

        Assert.Equal("The website's page has no readable text", error.Message);
    }
}
