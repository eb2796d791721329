using ContentPlatform.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Tests.Api;

namespace ContentPlatform.Tests.AsyncJobs;

// The Api and a real Worker process run each job kind against a website served by the test itself.
[Collection(Infrastructure.RealProcesses.Name)]
public sealed class AsyncJobsEndToEndTests(AsyncJobsFactory factory) : IClassFixture<AsyncJobsFactory>
{
    private const string WebsiteAnalysis = "/api/v1/jobs/website-analysis";

    [Fact]
    public async Task A_website_analysis_streams_its_four_steps_and_succeeds_with_the_analysis_saved_for_the_session()
    {
        var session = factory.SessionClient();
        var jobId = await AsyncJobsFactory.StartAsync(session, WebsiteAnalysis, new { url = factory.Website.Origin + "/" });

        var stream = await ServerSentEventsReader.ReadAsync(session, $"/api/v1/jobs/{jobId}/stream");

        Assert.Equal("connected", stream.Events[0].Name);
        Assert.Equal("complete", stream.Events[^1].Name);
        var progress = stream.Events.Where(e => e.Name == "progress-update").Select(e => e.Data).ToList();
        Assert.Equal(
            ["Analyzing website...", "Generating audiences...", "Generating pitches...", "Generating images..."],
            progress.Select(p => p.GetProperty("currentStep").GetString()));
        var percentages = progress.Select(p => p.GetProperty("progress").GetInt32()).ToList();
        Assert.Equal(percentages.Order(), percentages);
        Assert.Equal(percentages.Count, percentages.Distinct().Count());

        var status = await AsyncJobsFactory.WaitForStatusAsync(session, jobId, "succeeded");
        Assert.Equal(100, status.GetProperty("progress").GetInt32());
        Assert.Equal(0, status.GetProperty("estimatedTimeRemaining").GetInt32());
        var result = status.GetProperty("result");
        Assert.Equal(JsonValueKind.Object, result.ValueKind);
        Assert.Equal("Crumb & Co", result.GetProperty("analysis").GetProperty("businessName").GetString());
        Assert.Contains("sourdough", result.GetProperty("analysis").GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
        var organizationId = result.GetProperty("organizationId").GetGuid();
        Assert.Equal(organizationId, result.GetProperty("analysis").GetProperty("organizationId").GetGuid());
        Assert.NotEmpty(result.GetProperty("ctas").EnumerateArray());
        var scenarios = result.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.NotEmpty(scenarios);
        Assert.All(scenarios, s => Assert.False(string.IsNullOrEmpty(s.GetProperty("pitch").GetString())));
        Assert.Equal(result, stream.Events[^1].Data.GetProperty("result"), JsonElementComparer.Instance);

        var image = await session.GetAsync(scenarios[0].GetProperty("imageUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);

        var audiences = await HttpAssert.JsonAsync(await session.GetAsync("/api/v1/audiences"), HttpStatusCode.OK);
        Assert.Equal(
            scenarios.Select(s => s.GetProperty("id").GetGuid()).Order(),
            audiences.GetProperty("audiences").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).Order());
        Assert.All(audiences.GetProperty("audiences").EnumerateArray(), a => Assert.Equal(organizationId, a.GetProperty("organization_id").GetGuid()));
    }

    [Theory]
    [InlineData("http://localhost:{port}/")]
    [InlineData("http://127.0.0.1:{port}/to-localhost")]
    public async Task A_loopback_address_the_settings_do_not_allow_fails_the_job_readably(string url)
    {
        var session = factory.SessionClient();
        var jobId = await AsyncJobsFactory.StartAsync(session, WebsiteAnalysis, new { url = url.Replace("{port}", factory.Website.Port.ToString()) });

        var status = await AsyncJobsFactory.WaitForStatusAsync(session, jobId, "succeeded", "failed");

        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal("Refused to fetch a private or local address", status.GetProperty("error").GetString());
        Assert.Equal("REFUSED_ADDRESS", status.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task A_failing_page_fails_the_job_readably_and_a_retry_runs_the_same_job_to_success()
    {
        var session = factory.SessionClient();
        var jobId = await AsyncJobsFactory.StartAsync(session, WebsiteAnalysis, new { url = factory.Website.Origin + "/flaky" });

        var failed = await AsyncJobsFactory.WaitForStatusAsync(session, jobId, "succeeded", "failed");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("Website returned HTTP 500", failed.GetProperty("error").GetString());
        Assert.Equal("WEBSITE_HTTP_ERROR", failed.GetProperty("errorCode").GetString());
        var failedStream = await ServerSentEventsReader.ReadAsync(session, $"/api/v1/jobs/{jobId}/stream");
        Assert.Equal("Website returned HTTP 500", failedStream.Events[^1].Data.GetProperty("error").GetString());

        factory.FlakyPageWorks = true;
        var retried = await HttpAssert.JsonAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/retry", null), HttpStatusCode.OK);
        Assert.Equal(jobId, retried.GetProperty("jobId").GetGuid());

        // A new EventSource (no Last-Event-ID) after the retry skips the earlier run's end and follows the new run.
        var stream = await ServerSentEventsReader.ReadAsync(session, $"/api/v1/jobs/{jobId}/stream");
        Assert.Equal("complete", stream.Events[^1].Name);
        Assert.DoesNotContain(stream.Events, e => e.Name == "failed");
        var status = await AsyncJobsFactory.WaitForStatusAsync(session, jobId, "succeeded");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        await JobsApiTests.FailureAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/retry", null), HttpStatusCode.Conflict, "Job not failed");
        await JobsApiTests.FailureAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/cancel", null), HttpStatusCode.Conflict, "Job already finished");
    }

    [Fact]
    public async Task Cancelling_a_running_job_stops_it_and_fails_it_with_Cancelled()
    {
        var session = factory.SessionClient();
        var jobId = await AsyncJobsFactory.StartAsync(session, WebsiteAnalysis, new { url = factory.Website.Origin + "/slow" });
        // Running, and its first step reached the row: the Worker is now waiting for the page.
        await AsyncJobsFactory.WaitForAsync(session, jobId, status => status.GetProperty("status").GetString() == "running"
            && status.GetProperty("currentStep").GetString() == "Analyzing website...", "running its first step");

        var cancelled = await HttpAssert.JsonAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/cancel", null), HttpStatusCode.OK);

        Assert.True(cancelled.GetProperty("cancelled").GetBoolean());
        var status = await AsyncJobsFactory.WaitForStatusAsync(session, jobId, "failed", "succeeded");
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal("Cancelled", status.GetProperty("error").GetString());
        var stream = await ServerSentEventsReader.ReadAsync(session, $"/api/v1/jobs/{jobId}/stream");
        Assert.Equal("failed", stream.Events[^1].Name);
        Assert.Equal("Cancelled", stream.Events[^1].Data.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_content_generation_job_writes_an_illustrated_post_and_saves_it_for_its_owner()
    {
        var (user, _) = await factory.CreateUserAsync();
        var jobId = await AsyncJobsFactory.StartAsync(user, "/api/v1/jobs/content-generation", new
        {
            topic = new { title = "Sourdough for beginners", keywords = new[] { "sourdough", "starter" } },
            businessInfo = new { businessType = "Bakery", targetAudience = "busy families" },
            additionalInstructions = "Mention weekend classes.",
            options = new { includeVisuals = true, autoSave = true, status = "published" },
        });

        var status = await AsyncJobsFactory.WaitForStatusAsync(user, jobId, "succeeded", "failed");

        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        var result = status.GetProperty("result");
        var data = result.GetProperty("data");
        Assert.Equal("Sourdough for beginners", data.GetProperty("title").GetString());
        Assert.Contains("sourdough", data.GetProperty("content").GetString());
        Assert.True(data.GetProperty("wordCount").GetInt32() > 100);
        Assert.Equal("offline", result.GetProperty("metadata").GetProperty("generator").GetString());
        var images = result.GetProperty("imageGeneration");
        Assert.Equal("completed", images.GetProperty("status").GetString());
        var imageUrl = images.GetProperty("images")[0].GetProperty("url").GetString();
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(imageUrl)).StatusCode);
        var saved = result.GetProperty("savedPost");
        Assert.Equal("published", saved.GetProperty("status").GetString());
        Assert.Equal(data.GetProperty("content").GetString(), saved.GetProperty("content").GetString());
        var postId = saved.GetProperty("id").GetGuid();

        var post = await HttpAssert.JsonAsync(await user.GetAsync($"/api/v1/posts/{postId}"), HttpStatusCode.OK);
        Assert.True(post.GetProperty("success").GetBoolean());
        Assert.Equal("Sourdough for beginners", post.GetProperty("post").GetProperty("title").GetString());
        var posts = await HttpAssert.JsonAsync(await user.GetAsync("/api/v1/posts"), HttpStatusCode.OK);
        Assert.Equal([postId], posts.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));

        var (stranger, _) = await factory.CreateUserAsync();
        await JobsApiTests.FailureAsync(await stranger.GetAsync($"/api/v1/posts/{postId}"), HttpStatusCode.NotFound, "Post not found");
        await JobsApiTests.FailureAsync(await factory.CreateClient().GetAsync("/api/v1/posts"), HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Empty((await HttpAssert.JsonAsync(await stranger.GetAsync("/api/v1/posts"), HttpStatusCode.OK)).GetProperty("posts").EnumerateArray());
    }

    [Fact]
    public async Task Without_autoSave_nothing_is_saved_and_with_it_the_post_defaults_to_draft()
    {
        var (user, _) = await factory.CreateUserAsync();
        var unsaved = await AsyncJobsFactory.StartAsync(user, "/api/v1/jobs/content-generation", new { topic = "Pastry basics" });
        var draft = await AsyncJobsFactory.StartAsync(user, "/api/v1/jobs/content-generation",
            new { topic = new { title = "Bread at home" }, options = new { autoSave = true } });

        var first = (await AsyncJobsFactory.WaitForStatusAsync(user, unsaved, "succeeded")).GetProperty("result");
        var second = (await AsyncJobsFactory.WaitForStatusAsync(user, draft, "succeeded")).GetProperty("result");

        Assert.Equal(JsonValueKind.Null, first.GetProperty("savedPost").ValueKind);
        Assert.Equal("skipped", first.GetProperty("imageGeneration").GetProperty("status").GetString());
        Assert.Equal("draft", second.GetProperty("savedPost").GetProperty("status").GetString());
        var posts = await HttpAssert.JsonAsync(await user.GetAsync("/api/v1/posts"), HttpStatusCode.OK);
        Assert.Single(posts.GetProperty("posts").EnumerateArray());
    }

    [Fact]
    public async Task A_content_calendar_streams_every_phase_of_three_strategies_resumes_without_loss_and_saves_30_ideas()
    {
        var (user, auth) = await factory.CreateUserAsync();
        var audienceId = await AudiencesApiTests.CreateAudienceAsync(user);
        var trigger = await HttpAssert.JsonAsync(
            await user.PostAsync($"/api/v1/audiences/{audienceId}/request-content-calendar", null), HttpStatusCode.Created);
        var jobId = trigger.GetProperty("jobId").GetGuid();
        var url = $"/api/v1/jobs/{jobId}/stream?token={auth.Token}";
        var browser = factory.CreateClient();

        var full = await ServerSentEventsReader.ReadAsync(browser, url);

        Assert.Equal("connected", full.Events[0].Name);
        Assert.Equal("complete", full.Events[^1].Name);
        Assert.All(full.Events, e => Assert.False(string.IsNullOrEmpty(e.Id)));
        var updates = full.Events.Where(e => e.Name == "progress-update").Select(e => e.Data).ToList();
        Assert.Equal(["audience", "organization", "keywords", "generating", "saving"],
            updates.Select(u => u.GetProperty("phase").GetString()).Distinct());
        Assert.Equal([1, 2, 3], updates.Select(u => u.GetProperty("strategyIndex").GetInt32()).Distinct());
        Assert.All(updates, u => Assert.Equal(3, u.GetProperty("strategyTotal").GetInt32()));
        Assert.All(updates, u => Assert.True(u.TryGetProperty("estimatedTimeRemaining", out _)));
        Assert.Equal(3, updates.Select(u => u.GetProperty("strategyId").GetString()).Distinct().Count());
        Assert.Contains(updates, u => u.GetProperty("currentStep").GetString() == "Strategy 2 of 3: Generating 30-day ideas with AI...");
        var percentages = updates.Select(u => u.GetProperty("progress").GetInt32()).ToList();
        Assert.Equal(percentages.Order(), percentages);

        // Resuming after any event gives exactly the events after it; "connected" carries the resume position.
        foreach (var after in new[] { 1, full.Events.Count / 2, full.Events.Count - 2 })
        {
            var resumed = await ServerSentEventsReader.ReadAsync(browser, url, lastEventId: full.Events[after].Id);
            Assert.Equal("connected", resumed.Events[0].Name);
            Assert.Equal(full.Events[after].Id, resumed.Events[0].Id);
            Assert.Equal(full.Events.Skip(after + 1).Select(e => (e.Id, e.Name)), resumed.Events.Skip(1).Select(e => (e.Id, e.Name)));
        }
        var fromConnected = await ServerSentEventsReader.ReadAsync(browser, url, lastEventId: full.Events[0].Id);
        Assert.Equal(full.Events.Skip(1).Select(e => e.Id), fromConnected.Events.Skip(1).Select(e => e.Id));

        var audience = (await HttpAssert.JsonAsync(await user.GetAsync($"/api/v1/audiences/{audienceId}"), HttpStatusCode.OK)).GetProperty("audience");
        var ideas = audience.GetProperty("content_ideas").EnumerateArray().ToList();
        Assert.Equal(30, ideas.Count);
        Assert.Equal(Enumerable.Range(1, 30), ideas.Select(i => i.GetProperty("day").GetInt32()));
        Assert.All(ideas, i =>
        {
            Assert.True(DateOnly.TryParse(i.GetProperty("date").GetString(), out _));
            Assert.False(string.IsNullOrEmpty(i.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrEmpty(i.GetProperty("format").GetString()));
            Assert.False(string.IsNullOrEmpty(i.GetProperty("angle").GetString()));
        });
        Assert.NotEqual(JsonValueKind.Null, audience.GetProperty("content_calendar_generated_at").ValueKind);
        Assert.False(audience.TryGetProperty("content_calendar_job_id", out _));
        var status = await HttpAssert.JsonAsync(await user.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.OK);
        Assert.Equal("succeeded", status.GetProperty("status").GetString());
    }
}

internal sealed class JsonElementComparer : IEqualityComparer<JsonElement>
{
    public static readonly JsonElementComparer Instance = new();

    public bool Equals(JsonElement x, JsonElement y) => JsonElement.DeepEquals(x, y);

    public int GetHashCode(JsonElement obj) => 0;
}
