using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Tests.Api;

namespace ContentPlatform.Tests.ContentFlywheel;

public sealed class TopicsApiTests(FlywheelApiFactory factory) : IClassFixture<FlywheelApiFactory>
{
    private static readonly string[] TopicFields = ["title", "hook", "persona", "why_it_matters", "cta_type", "difficulty"];

    [Fact]
    public async Task The_documents_example_gets_ten_distinct_topics_with_every_field()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/content/topics", FlywheelApiFactory.TopicsExample);

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["ok", "topics"], body.EnumerateObject().Select(p => p.Name));
        Assert.True(body.GetProperty("ok").GetBoolean());
        var topics = body.GetProperty("topics").EnumerateArray().ToList();
        Assert.Equal(10, topics.Count);
        Assert.Equal(10, topics.Select(t => t.GetProperty("title").GetString()!.ToLowerInvariant()).Distinct().Count());
        foreach (var topic in topics)
        {
            Assert.Equal(TopicFields, topic.EnumerateObject().Select(p => p.Name));
            Assert.All(TopicFields, field => Assert.False(string.IsNullOrWhiteSpace(topic.GetProperty(field).GetString())));
            Assert.Equal("nonprofit ED", topic.GetProperty("persona").GetString());
            Assert.Contains(topic.GetProperty("difficulty").GetString(), new[] { "low", "medium", "high" });
        }
    }

    [Fact]
    public async Task Theme_goals_constraints_and_region_shape_the_topics()
    {
        var client = factory.CreateClient();
        var withRegion = await TopicsAsync(client, new
        {
            theme = "bread baking classes",
            audience = "busy parents",
            goals = new[] { "fill weekend classes" },
            constraints = "friendly, short sentences",
            region = "Portland",
        });
        var plain = await TopicsAsync(client, new { theme = "bread baking classes", audience = "busy parents" });

        var text = string.Join("\n", withRegion.Select(t => t.GetRawText()));
        Assert.Contains("bread baking classes", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(withRegion, t => t.GetProperty("title").GetString()!.Contains("Fill weekend classes"));
        Assert.Contains(withRegion, t => t.GetProperty("title").GetString()!.Contains("Portland"));
        Assert.Contains(withRegion, t => t.GetProperty("why_it_matters").GetString()!.Contains("friendly, short sentences"));
        Assert.All(withRegion, t => Assert.Equal("busy parents", t.GetProperty("persona").GetString()));
        Assert.Equal(10, plain.Count);
        Assert.DoesNotContain(plain, t => t.GetRawText().Contains("Portland"));
    }

    [Theory]
    [InlineData("""{}""", "theme", "Theme is required.")]
    [InlineData("""{"audience":"nonprofit ED"}""", "theme", "Theme is required.")]
    [InlineData("""{"theme":"   ","audience":"nonprofit ED"}""", "theme", "Theme is required.")]
    [InlineData("""{"theme":"cybersecurity"}""", "audience", "Audience is required.")]
    [InlineData("""{"theme":42,"audience":"nonprofit ED"}""", "theme", "Theme must be a string.")]
    [InlineData("""{"theme":"cybersecurity","audience":"nonprofit ED","goals":"reduce risk"}""", "goals", "Goals must be an array of strings.")]
    [InlineData("""{"theme":"cybersecurity","audience":"nonprofit ED","goals":[1,2]}""", "goals", "Goals must be an array of strings.")]
    [InlineData("""{"theme":"cybersecurity","audience":"nonprofit ED","constraints":["a"]}""", "constraints", "Constraints must be a string.")]
    [InlineData("""{"theme":"cybersecurity","audience":"nonprofit ED","region":{"name":"x"}}""", "region", "Region must be a string.")]
    public async Task Invalid_requests_get_400_with_the_field_and_its_message(string json, string field, string message)
    {
        var response = await PostRawAsync("/api/content/topics", json);

        await AssertValidationFailedAsync(response, field, message);
    }

    [Fact]
    public async Task Both_required_fields_are_reported_at_once()
    {
        var response = await PostRawAsync("/api/content/topics", "{}");

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Theme is required.", body.GetProperty("errors").GetProperty("theme").GetString());
        Assert.Equal("Audience is required.", body.GetProperty("errors").GetProperty("audience").GetString());
    }

    [Fact]
    public async Task Strings_and_lists_are_bounded()
    {
        var client = factory.CreateClient();
        var tooLong = await client.PostAsJsonAsync("/api/content/topics", new { theme = new string('x', 201), audience = "a" });
        var tooMany = await client.PostAsJsonAsync("/api/content/topics",
            new { theme = "t", audience = "a", goals = Enumerable.Range(1, 11).Select(i => $"goal {i}") });
        var longGoal = await client.PostAsJsonAsync("/api/content/topics", new { theme = "t", audience = "a", goals = new[] { new string('g', 201) } });

        await AssertValidationFailedAsync(tooLong, "theme", "Theme must be at most 200 characters.");
        await AssertValidationFailedAsync(tooMany, "goals", "Goals can have at most 10 items.");
        await AssertValidationFailedAsync(longGoal, "goals", "Each goal must be at most 200 characters.");
    }

    [Theory]
    [InlineData("{\"theme\": ")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"theme\"")]
    [InlineData("")]
    public async Task A_body_that_is_not_a_json_object_gets_400_in_the_same_shape(string json)
    {
        var response = await PostRawAsync("/api/content/topics", json);

        await AssertValidationFailedAsync(response, "body", "Request body must be a JSON object.");
    }

    private async Task<List<JsonElement>> TopicsAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/content/topics", request);
        return (await HttpAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("topics").EnumerateArray().ToList();
    }

    private Task<HttpResponseMessage> PostRawAsync(string path, string json) =>
        factory.CreateClient().PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    internal static async Task AssertValidationFailedAsync(HttpResponseMessage response, string field, string message)
    {
        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["ok", "error", "errors"], body.EnumerateObject().Select(p => p.Name));
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal("validation_failed", body.GetProperty("error").GetString());
        Assert.Equal(message, body.GetProperty("errors").GetProperty(field).GetString());
    }
}
