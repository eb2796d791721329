using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.WebsiteAnalysis;
using ContentPlatform.Tests.Calendars;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.WebsiteAnalysis;

// With a model configured, each step asks it for typed JSON and uses what it answers.
public sealed class WebsiteAnalyzerModelTests
{
    private const string Analysis = """
        {"businessName":"Model Bakery","businessType":"Artisan bakery","description":"Bread.","targetAudience":"Families",
         "keywords":["sourdough","rye"],"brandVoice":"Warm","contentFocus":"Bread"}
        """;

    private const string Audiences = """
        {"audiences":[{"name":"Home bakers","demographics":"Adults","psychographics":"Curious","searchBehavior":"Recipes",
          "customerProblem":"Flat loaves","businessValue":"Classes","seoKeywords":["starter"],"conversionPath":"Book a class"}]}
        """;

    [Fact]
    public async Task Each_step_uses_the_models_answer()
    {
        var model = new ScriptedChatClient(conversation => conversation[0].Text switch
        {
            var system when system.StartsWith("You analyze", StringComparison.Ordinal) => Analysis,
            var system when system.StartsWith("You define", StringComparison.Ordinal) => Audiences,
            _ => """{"pitches":["Bake better bread with us."]}""",
        });
        await using var website = await TestWebsite.StartAsync(app =>
            app.MapGet("/", (HttpContext context) => TestWebsite.WriteHtmlAsync(context, SamplePages.Bakery)));
        var servers = await TestServers.GetAsync();
        using var host = await AnalysisHost.StartAsync(
            await servers.CreateDatabaseAsync("analysis_model"),
            new Dictionary<string, string?> { ["WebsiteAnalysis:AllowedHosts"] = "127.0.0.1:*" },
            services => services.AddSingleton<IChatClient>(model));
        await using var scope = host.Services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<WebsiteAnalyzer>()
            .RunAsync($"{website.Origin}/", ContentOwner.Session("model-session"), null, CancellationToken.None);

        Assert.Equal("model", result.Generator);
        Assert.Equal("Model Bakery", result.Analysis.BusinessName);
        Assert.Equal(["sourdough", "rye"], result.Analysis.Keywords);
        var scenario = Assert.Single(result.Scenarios);
        Assert.Equal("Home bakers", scenario.Name);
        Assert.Equal("Bake better bread with us.", scenario.Pitch);
        Assert.StartsWith("/api/v1/images/", scenario.ImageUrl);
        Assert.Contains("Sourdough bread, baked every morning", model.Requests[0][1].Text);
        Assert.Equal(3, model.Requests.Count);
    }
}
