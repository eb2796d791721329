using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Calendars;
using Microsoft.Extensions.AI;

namespace ContentPlatform.Tests.ContentFlywheel;

// The flywheel with a model: typed answers validated before use, one retry for a malformed answer, a failed or
// slow asset type reported beside the others, the documented 500 only when nothing could be generated.
public sealed class FlywheelModelTests(FlywheelApiFactory factory) : IClassFixture<FlywheelApiFactory>
{
    private static readonly string[] AllTypes = ["linkedin", "blog", "email", "onepager", "workshop_outline"];

    [Fact]
    public async Task The_models_topics_are_returned_in_the_documents_fields()
    {
        var model = new ScriptedChatClient(ModelScripts.Valid);
        await using var api = factory.With(model);

        var response = await api.CreateClient().PostAsJsonAsync("/api/content/topics", FlywheelApiFactory.TopicsExample);

        var topics = (await HttpAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("topics").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"Model topic {i}"), topics.Select(t => t.GetProperty("title").GetString()));
        Assert.Equal("Reason 2.", topics[1].GetProperty("why_it_matters").GetString());
        Assert.Equal("free resource", topics[1].GetProperty("cta_type").GetString());
        Assert.Equal("medium", topics[1].GetProperty("difficulty").GetString());
        var request = Assert.Single(model.Requests);
        Assert.Contains("\"theme\":\"cybersecurity for nonprofits\"", request[1].Text);
        Assert.Contains("\"constraints\":\"no jargon, board-friendly\"", request[1].Text);
    }

    [Fact]
    public async Task The_models_assets_are_named_and_counted_by_the_api()
    {
        var model = new ScriptedChatClient(ModelScripts.Valid);
        await using var api = factory.With(model);

        var body = await GenerateAsync(api.CreateClient(), AllTypes, brandVoice: new { tone = "warm" }, constraints: new { max_words = 600 });

        var assets = body.GetProperty("assets").EnumerateArray().ToList();
        Assert.Equal(7, assets.Count);
        Assert.Equal(["educational", "story", "contrarian"], assets.Take(3).Select(a => a.GetProperty("variant").GetString()));
        var blog = assets.Single(a => a.GetProperty("type").GetString() == "blog");
        Assert.Equal("Model blog title", blog.GetProperty("title").GetString());
        Assert.Equal("model-blog-title", blog.GetProperty("slug").GetString());
        Assert.EndsWith("-model-blog-title.md", blog.GetProperty("suggested_filename").GetString());
        Assert.Equal(402, blog.GetProperty("metadata").GetProperty("word_count").GetInt32());
        Assert.Equal("model", blog.GetProperty("metadata").GetProperty("generator").GetString());
        Assert.Empty(body.GetProperty("errors").EnumerateArray());
        Assert.All(model.Requests, request =>
        {
            Assert.Contains("\"brand_voice\":{\"tone\":\"warm\"}", request[1].Text);
            Assert.Contains("\"constraints\":{\"max_words\":\"600\"}", request[1].Text);
        });
    }

    [Fact]
    public async Task One_failing_asset_type_is_reported_while_the_others_are_returned()
    {
        var model = new ScriptedChatClient(conversation => ModelScripts.KindOf(conversation) == "blog"
            ? throw new GenerationException(GenerationException.Unavailable)
            : ModelScripts.Valid(conversation));
        await using var api = factory.With(model);

        var body = await GenerateAsync(api.CreateClient(), ["linkedin", "blog", "email", "onepager"]);

        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Equal(["linkedin", "linkedin", "linkedin", "email", "onepager"],
            body.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("type").GetString()));
        Assert.Equal(["blog: AI service temporarily unavailable"], body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_malformed_answer_is_asked_again_once_and_the_retry_is_used()
    {
        var malformedSent = 0;
        var model = new ScriptedChatClient(conversation =>
            ModelScripts.KindOf(conversation) == "email" && Interlocked.Exchange(ref malformedSent, 1) == 0
                ? "Sure! Here is your email: {\"title\": \"Oops"
                : ModelScripts.Valid(conversation));
        await using var api = factory.With(model);

        var body = await GenerateAsync(api.CreateClient(), ["email", "blog"]);

        Assert.Empty(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(["email", "blog"], body.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("type").GetString()));
        var emailRequests = model.Requests.Where(r => ModelScripts.KindOf(r) == "email").ToList();
        Assert.Equal(2, emailRequests.Count);
        Assert.Contains("invalid", emailRequests[1][^1].Text);
    }

    [Fact]
    public async Task An_answer_invalid_twice_fails_its_type_with_the_reason()
    {
        var model = new ScriptedChatClient(conversation => ModelScripts.KindOf(conversation) == "linkedin"
            ? JsonSerializer.Serialize(new { posts = new[] { new { variant = "educational", content = "Too short." } } })
            : ModelScripts.Valid(conversation));
        await using var api = factory.With(model);

        var body = await GenerateAsync(api.CreateClient(), ["linkedin", "onepager"]);

        var error = Assert.Single(body.GetProperty("errors").EnumerateArray()).GetString();
        Assert.Equal("linkedin: The model returned an invalid set of LinkedIn posts twice (posts must hold exactly 3 posts)", error);
        Assert.Equal(2, model.Requests.Count(r => ModelScripts.KindOf(r) == "linkedin"));
        Assert.Equal("onepager", Assert.Single(body.GetProperty("assets").EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_asset_type_that_takes_too_long_times_out_while_the_others_are_returned()
    {
        var model = new ScriptedChatClient(async (conversation, cancellationToken) =>
        {
            if (ModelScripts.KindOf(conversation) == "blog")
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return ModelScripts.Valid(conversation);
        });
        // Long enough that the other type is done in time even on a loaded machine.
        await using var api = factory.With(model, new() { ["ContentApi:AssetTimeout"] = "00:00:10" });

        var body = await GenerateAsync(api.CreateClient(), ["blog", "email"]);

        Assert.Equal(["blog: generation timed out"], body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("email", Assert.Single(body.GetProperty("assets").EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Asset_types_are_generated_concurrently_up_to_the_bound()
    {
        var running = 0;
        var mostAtOnce = 0;
        var model = new ScriptedChatClient(async (conversation, cancellationToken) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            // Long enough that, without the bound, all five types would be in flight together.
            await Task.Delay(300, cancellationToken);
            Interlocked.Decrement(ref running);
            return ModelScripts.Valid(conversation);
        });
        await using var api = factory.With(model, new() { ["ContentApi:MaxConcurrentAssets"] = "2" });

        var body = await GenerateAsync(api.CreateClient(), AllTypes);

        Assert.Empty(body.GetProperty("errors").EnumerateArray());
        Assert.InRange(mostAtOnce, 1, 2);
    }

    [Fact]
    public async Task When_every_asset_type_fails_the_answer_is_the_documented_500()
    {
        var model = new ScriptedChatClient(_ => throw new GenerationException(GenerationException.RateLimited));
        await using var api = factory.With(model);

        var response = await api.CreateClient().PostAsJsonAsync("/api/content/generate", FlywheelApiFactory.GenerateExample);

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal(["ok", "error", "message"], body.EnumerateObject().Select(p => p.Name));
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal("asset_generation_failed", body.GetProperty("error").GetString());
        Assert.Equal("Content generation failed. Please try again.", body.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"topics":[{"title":"Only one","hook":"h","persona":"p","whyItMatters":"w","ctaType":"c","difficulty":"low"}]}""")]
    [InlineData(null)]
    public async Task When_topics_cannot_be_generated_the_answer_is_the_documented_500(string? answer)
    {
        var model = new ScriptedChatClient(_ => answer ?? throw new InvalidOperationException("The model's SDK broke."));
        await using var api = factory.With(model);

        var response = await api.CreateClient().PostAsJsonAsync("/api/content/topics", FlywheelApiFactory.TopicsExample);

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal(["ok", "error", "message"], body.EnumerateObject().Select(p => p.Name));
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal("topic_generation_failed", body.GetProperty("error").GetString());
        Assert.Equal("Could not generate topics. Please try again.", body.GetProperty("message").GetString());
    }

    private static async Task<JsonElement> GenerateAsync(HttpClient client, string[] types, object? brandVoice = null, object? constraints = null)
    {
        var response = await client.PostAsJsonAsync("/api/content/generate", new
        {
            topic = new { title = "5 backup habits that protect nonprofit data", persona = "nonprofit ED" },
            asset_types = types,
            brand_voice = brandVoice,
            constraints,
        });
        return await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
