using System.Text;
using ContentPlatform.Generation.WebsiteAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.WebsiteAnalysis;

public sealed class PageTextExtractorTests : IAsyncLifetime
{
    private TestWebsite website = null!;

    public async Task InitializeAsync() => website = await TestWebsite.StartAsync(app =>
    {
        app.MapGet("/bakery", (HttpContext context) => TestWebsite.WriteHtmlAsync(context, SamplePages.Bakery));
        app.MapGet("/latin1", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html; charset=iso-8859-1";
            await context.Response.Body.WriteAsync(Encoding.Latin1.GetBytes("<title>Café Crème</title><p>Crème brûlée</p>"));
        });
        app.MapGet("/meta-charset", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html";
            await context.Response.Body.WriteAsync(Encoding.Latin1.GetBytes(
                "<html><head><meta charset=\"iso-8859-1\"><title>Déjà vu</title></head><body><p>Voilà</p></body></html>"));
        });
    });

    public async Task DisposeAsync() => await website.DisposeAsync();

    private async Task<PageContent> ReadAsync(string path)
    {
        using var host = await AnalysisHost.StartAsync(settings: new Dictionary<string, string?> { ["WebsiteAnalysis:AllowedHosts"] = "127.0.0.1:*" });
        var fetched = await host.Services.GetRequiredService<WebsiteFetcher>().FetchAsync($"{website.Origin}{path}", CancellationToken.None);
        return PageTextExtractor.Extract(fetched);
    }

    [Fact]
    public async Task Reads_title_meta_description_site_name_and_headings()
    {
        var page = await ReadAsync("/bakery");

        Assert.Equal("Home | Crumb & Co Bakery", page.Title);
        Assert.Equal("Crumb & Co bakes slow-fermented sourdough bread and pastries for busy families in Portland.", page.MetaDescription);
        Assert.Equal("Crumb & Co", page.SiteName);
        Assert.Equal(["Sourdough bread, baked every morning", "Pastries for weekend brunch", "Sourdough classes"], page.Headings);
    }

    [Fact]
    public async Task Visible_text_leaves_out_scripts_styles_navigation_footer_and_hidden_parts()
    {
        var page = await ReadAsync("/bakery");

        Assert.Contains("Every loaf is slow-fermented for 36 hours", page.Text);
        Assert.Contains("Croissants, cinnamon buns", page.Text);
        foreach (var noise in new[] { "trackingSecret", "font-family", "Menu navigation link", "Footer address text", "Hidden coupon", "enable JavaScript" })
        {
            Assert.DoesNotContain(noise, page.Text);
        }
        // Block elements become line breaks: a heading does not run into the next paragraph.
        Assert.Contains("Pastries for weekend brunch\nCroissants", page.Text);
    }

    [Fact]
    public async Task Keywords_are_what_the_page_is_about()
    {
        var page = await ReadAsync("/bakery");

        Assert.Equal("sourdough", page.Keywords[0]);
        Assert.Contains("sourdough bread", page.Keywords);
        Assert.Contains("pastries", page.Keywords);
        Assert.DoesNotContain("the", page.Keywords);
        Assert.DoesNotContain("home", page.Keywords);
    }

    [Fact]
    public async Task Calls_to_action_are_found_with_their_type_link_and_placement()
    {
        var page = await ReadAsync("/bakery");

        Assert.Contains(new PageCallToAction("Order online", "purchase", $"{website.Origin}/order", "header"), page.CallsToAction);
        Assert.Contains(new PageCallToAction("Book a class", "booking", $"{website.Origin}/classes/book", "main"), page.CallsToAction);
        Assert.Contains(new PageCallToAction("Subscribe to our newsletter", "newsletter", null, "main"), page.CallsToAction);
        Assert.Contains(new PageCallToAction("Contact us", "contact", $"{website.Origin}/contact", "footer"), page.CallsToAction);
        Assert.DoesNotContain(page.CallsToAction, cta => cta.Text == "About us");
    }

    [Fact]
    public async Task The_content_type_charset_decodes_the_page()
    {
        var page = await ReadAsync("/latin1");

        Assert.Equal("Café Crème", page.Title);
        Assert.Contains("Crème brûlée", page.Text);
    }

    [Fact]
    public async Task A_meta_charset_decodes_the_page_when_the_header_has_none()
    {
        var page = await ReadAsync("/meta-charset");

        Assert.Equal("Déjà vu", page.Title);
        Assert.Equal("Voilà", page.Text);
    }
}
