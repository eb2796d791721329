using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContentPlatform.Tests.Api;

namespace ContentPlatform.Tests.ContentFlywheel;

public sealed partial class GenerateApiTests(FlywheelApiFactory factory) : IClassFixture<FlywheelApiFactory>
{
    private const string Title = "5 backup habits that protect nonprofit data";
    private const string Slug = "5-backup-habits-that-protect-nonprofit-data";
    private const string OfflineLabel = "Generated offline from templates";

    [Fact]
    public async Task The_documents_example_gets_one_asset_per_type_and_three_linkedin_variants()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/content/generate", FlywheelApiFactory.GenerateExample);

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["ok", "topic_title", "generated_at", "assets", "errors"], body.EnumerateObject().Select(p => p.Name));
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Equal(Title, body.GetProperty("topic_title").GetString());
        Assert.Matches(TimestampFormat(), body.GetProperty("generated_at").GetString());
        Assert.Empty(body.GetProperty("errors").EnumerateArray());

        var assets = body.GetProperty("assets").EnumerateArray().ToList();
        Assert.Equal(["linkedin", "linkedin", "linkedin", "blog", "email", "onepager"], assets.Select(a => a.GetProperty("type").GetString()));
        Assert.All(assets, a => Assert.Equal(
            a.TryGetProperty("variant", out _)
                ? new[] { "type", "variant", "title", "content", "metadata", "slug", "suggested_filename" }
                : new[] { "type", "title", "content", "metadata", "slug", "suggested_filename" },
            a.EnumerateObject().Select(p => p.Name)));
        var variants = assets.Take(3).Select(a => a.GetProperty("variant").GetString()).ToList();
        Assert.Equal(3, variants.Distinct().Count());
        Assert.Contains("educational", variants);
        Assert.All(assets.Skip(3), a => Assert.False(a.TryGetProperty("variant", out _)));
    }

    [Fact]
    public async Task Every_asset_is_named_and_counted_from_its_own_title_and_content()
    {
        var body = await GenerateAsync(new
        {
            topic = new { title = Title, hook = "Most small orgs lose data to simple mistakes.", persona = "nonprofit ED" },
            asset_types = new[] { "linkedin", "blog", "email", "onepager", "workshop_outline" },
        });

        var date = DateTime.Parse(body.GetProperty("generated_at").GetString()!, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var asset in body.GetProperty("assets").EnumerateArray())
        {
            var title = asset.GetProperty("title").GetString()!;
            var content = asset.GetProperty("content").GetString()!;
            var slug = asset.GetProperty("slug").GetString()!;
            Assert.Matches(KebabCase(), slug);
            Assert.Equal(Regex.Replace(title.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-'), slug);
            var variant = asset.TryGetProperty("variant", out var v) ? $"-{v.GetString()}" : "";
            Assert.Equal($"{date}-{slug}{variant}.md", asset.GetProperty("suggested_filename").GetString());
            Assert.Equal(Words().Count(content), asset.GetProperty("metadata").GetProperty("word_count").GetInt32());
            Assert.Equal("offline", asset.GetProperty("metadata").GetProperty("generator").GetString());
            Assert.Contains(OfflineLabel, content);
        }
        var blog = Asset(body, "blog");
        Assert.Equal(Title, blog.GetProperty("title").GetString());
        Assert.Equal(Slug, blog.GetProperty("slug").GetString());
    }

    [Theory]
    [InlineData("linkedin", 100, 250)]
    [InlineData("blog", 700, 1_000)]
    [InlineData("email", 150, 300)]
    [InlineData("onepager", 300, 500)]
    [InlineData("workshop_outline", 400, 700)]
    public async Task Offline_assets_are_markdown_about_the_topic_of_the_length_their_kind_calls_for(string type, int minWords, int maxWords)
    {
        var body = await GenerateAsync(new
        {
            topic = new
            {
                title = "Sourdough starters for beginners",
                hook = "A starter is just flour, water and patience.",
                persona = "home bakers",
                why_it_matters = "Good bread starts with a lively starter.",
                cta_type = "newsletter signup",
            },
            asset_types = new[] { type },
            brand_voice = new { brand = "Crumb & Co", tone = "warm" },
            constraints = new { region = "Portland" },
        });

        var assets = body.GetProperty("assets").EnumerateArray().ToList();
        Assert.Equal(type == "linkedin" ? 3 : 1, assets.Count);
        foreach (var asset in assets)
        {
            var content = asset.GetProperty("content").GetString()!;
            var words = asset.GetProperty("metadata").GetProperty("word_count").GetInt32();
            Assert.InRange(words, minWords, maxWords);
            Assert.Contains("Sourdough starters for beginners", content);
            Assert.Contains("A starter is just flour, water and patience.", content);
            Assert.Contains("home bakers in Portland", content);
            if (type != "linkedin")
            {
                Assert.Contains("newsletter", content);
            }
            Assert.DoesNotContain("{", content);
        }
        if (type == "email")
        {
            Assert.Contains("The Crumb & Co team", assets[0].GetProperty("content").GetString());
        }
        if (type is "blog" or "onepager" or "workshop_outline")
        {
            Assert.StartsWith("# ", assets[0].GetProperty("content").GetString());
        }
    }

    [Fact]
    public async Task Asset_types_are_matched_without_case_and_generated_once_each()
    {
        var body = await GenerateAsync(new { topic = new { title = "Data backups" }, asset_types = new[] { "Blog", " blog ", "EMAIL" } });

        Assert.Equal(["blog", "email"], body.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task The_documents_validation_example_reports_both_fields()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/content/generate", new { asset_types = Array.Empty<string>() });

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal("validation_failed", body.GetProperty("error").GetString());
        Assert.Equal("Topic title is required.", body.GetProperty("errors").GetProperty("topic").GetString());
        Assert.Equal("At least one asset type required.", body.GetProperty("errors").GetProperty("asset_types").GetString());
    }

    [Theory]
    [InlineData("""{"asset_types":["blog"]}""", "topic", "Topic title is required.")]
    [InlineData("""{"topic":"Backups","asset_types":["blog"]}""", "topic", "Topic title is required.")]
    [InlineData("""{"topic":{"hook":"h"},"asset_types":["blog"]}""", "topic", "Topic title is required.")]
    [InlineData("""{"topic":{"title":" "},"asset_types":["blog"]}""", "topic", "Topic title is required.")]
    [InlineData("""{"topic":{"title":"Backups"}}""", "asset_types", "At least one asset type required.")]
    [InlineData("""{"topic":{"title":"Backups"},"asset_types":[]}""", "asset_types", "At least one asset type required.")]
    [InlineData("""{"topic":{"title":"Backups"},"asset_types":"blog"}""", "asset_types", "Asset types must be an array of strings.")]
    [InlineData("""{"topic":{"title":"Backups"},"asset_types":[1]}""", "asset_types", "Asset types must be an array of strings.")]
    [InlineData("""{"topic":{"title":"Backups"},"asset_types":["blog","tiktok"]}""", "asset_types",
        "Unknown asset type \"tiktok\". Allowed: linkedin, blog, email, onepager, workshop_outline.")]
    [InlineData("""{"topic":{"title":"Backups","hook":5},"asset_types":["blog"]}""", "topic.hook", "Topic hook must be a string.")]
    public async Task Invalid_requests_get_400_with_the_field_and_its_message(string json, string field, string message)
    {
        var response = await factory.CreateClient().PostAsync("/api/content/generate",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await TopicsApiTests.AssertValidationFailedAsync(response, field, message);
    }

    [Fact]
    public async Task Brand_voice_and_constraints_must_be_short_settings()
    {
        var client = factory.CreateClient();
        var nested = await client.PostAsJsonAsync("/api/content/generate",
            new { topic = new { title = "Backups" }, asset_types = new[] { "blog" }, brand_voice = new { tone = new { deep = "x" } } });
        var tooLong = await client.PostAsJsonAsync("/api/content/generate",
            new { topic = new { title = "Backups" }, asset_types = new[] { "blog" }, constraints = new { note = new string('x', 1_001) } });
        var number = await client.PostAsJsonAsync("/api/content/generate",
            new { topic = new { title = "Backups" }, asset_types = new[] { "blog" }, constraints = 5 });
        var accepted = await client.PostAsJsonAsync("/api/content/generate", new
        {
            topic = new { title = "Backups" },
            asset_types = new[] { "blog" },
            brand_voice = "warm and practical",
            constraints = new { max_words = 900, avoid = new[] { "jargon", "fear" }, formal = false, region = (string?)null },
        });

        const string Settings = "must be an object of at most 20 text settings, with names of at most 50 and values of at most 1000 characters.";
        await TopicsApiTests.AssertValidationFailedAsync(nested, "brand_voice", $"Brand voice {Settings}");
        await TopicsApiTests.AssertValidationFailedAsync(tooLong, "constraints", $"Constraints {Settings}");
        await TopicsApiTests.AssertValidationFailedAsync(number, "constraints", $"Constraints {Settings}");
        await HttpAssert.JsonAsync(accepted, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{\"topic\": {")]
    [InlineData("<xml/>")]
    [InlineData("[{\"topic\":{\"title\":\"x\"}}]")]
    [InlineData("")]
    public async Task A_body_that_is_not_a_json_object_gets_400_in_the_same_shape(string json)
    {
        var response = await factory.CreateClient().PostAsync("/api/content/generate",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await TopicsApiTests.AssertValidationFailedAsync(response, "body", "Request body must be a JSON object.");
    }

    private async Task<JsonElement> GenerateAsync(object request)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/content/generate", request);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    private static JsonElement Asset(JsonElement body, string type) =>
        body.GetProperty("assets").EnumerateArray().Single(a => a.GetProperty("type").GetString() == type);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex TimestampFormat();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*")]
    private static partial Regex Words();
}
