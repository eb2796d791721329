using ContentPlatform.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.AsyncJobs;

// /api/v1/jobs without a Worker: validation, ownership and what happens to queued jobs.
public sealed class JobsApiTests(ApiOnlyFactory factory) : IClassFixture<ApiOnlyFactory>
{
    private const string WebsiteAnalysis = "/api/v1/jobs/website-analysis";
    private const string ContentGeneration = "/api/v1/jobs/content-generation";

    private static readonly object Topic = new { topic = new { title = "Sourdough for beginners" } };

    [Fact]
    public async Task Website_analysis_needs_a_token_or_a_session_id()
    {
        var response = await factory.CreateClient().PostAsJsonAsync(WebsiteAnalysis, new { url = "https://example.com" });

        await FailureAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Theory]
    [InlineData("{}", "url is required")]
    [InlineData("{\"url\":\"\"}", "url is required")]
    [InlineData("{\"url\":42}", "url is required")]
    [InlineData("not json", "url is required")]
    [InlineData("{\"url\":\"/relative/page\"}", "url must be an absolute http or https URL")]
    [InlineData("{\"url\":\"ftp://example.com/\"}", "url must be an absolute http or https URL")]
    [InlineData("{\"url\":\"javascript:alert(1)\"}", "url must be an absolute http or https URL")]
    public async Task Website_analysis_with_a_missing_or_unusable_url_is_a_400(string body, string message)
    {
        var response = await factory.SessionClient().PostAsync(WebsiteAnalysis, new StringContent(body, Encoding.UTF8, "application/json"));

        var json = await FailureAsync(response, HttpStatusCode.BadRequest, "Invalid request");
        Assert.Equal(message, json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_session_starts_a_website_analysis_and_only_that_session_sees_it_with_exactly_the_documented_status_fields()
    {
        var session = factory.SessionClient();
        var jobId = await AsyncJobsFactory.StartAsync(session, WebsiteAnalysis, new { url = "https://example.com/" });

        var status = await HttpAssert.JsonAsync(await session.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.OK);
        Assert.Equal(
            ["jobId", "status", "progress", "currentStep", "estimatedTimeRemaining", "error", "errorCode", "result", "createdAt", "updatedAt"],
            status.EnumerateObject().Select(p => p.Name));
        Assert.Equal(jobId, status.GetProperty("jobId").GetGuid());
        Assert.Equal("queued", status.GetProperty("status").GetString());
        Assert.Equal(0, status.GetProperty("progress").GetInt32());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("result").ValueKind);
        Assert.EndsWith("Z", status.GetProperty("createdAt").GetString());

        var (user, _) = await factory.CreateUserAsync();
        foreach (var stranger in new[] { factory.SessionClient(), user })
        {
            await FailureAsync(await stranger.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.NotFound, "Job not found");
            await FailureAsync(await stranger.PostAsync($"/api/v1/jobs/{jobId}/cancel", null), HttpStatusCode.NotFound, "Job not found");
            await FailureAsync(await stranger.PostAsync($"/api/v1/jobs/{jobId}/retry", null), HttpStatusCode.NotFound, "Job not found");
            Assert.Equal(HttpStatusCode.NotFound, (await ServerSentEventsReader.ReadAsync(stranger, $"/api/v1/jobs/{jobId}/stream")).Status);
        }
        await FailureAsync(await factory.CreateClient().GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task A_malformed_or_unknown_job_id_is_a_404(string jobId)
    {
        var session = factory.SessionClient();

        await FailureAsync(await session.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.NotFound, "Job not found");
        await FailureAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/cancel", null), HttpStatusCode.NotFound, "Job not found");
        await FailureAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/retry", null), HttpStatusCode.NotFound, "Job not found");
    }

    [Fact]
    public async Task A_signed_in_user_owns_the_website_analysis_it_starts()
    {
        var (user, _) = await factory.CreateUserAsync();
        var jobId = await AsyncJobsFactory.StartAsync(user, WebsiteAnalysis, new { url = "http://example.com" });

        await using var scope = factory.Services.CreateAsyncScope();
        var job = await scope.ServiceProvider.GetRequiredService<ContentDbContext>().Jobs.SingleAsync(j => j.Id == jobId);
        Assert.NotNull(job.UserId);
        Assert.Null(job.SessionId);
        Assert.Equal("website-analysis", job.Kind);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync($"/api/v1/jobs/{jobId}/status")).StatusCode);
    }

    [Fact]
    public async Task Content_generation_needs_a_valid_token()
    {
        await FailureAsync(await factory.SessionClient().PostAsJsonAsync(ContentGeneration, Topic), HttpStatusCode.Unauthorized, "Unauthorized");

        var forged = factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.token");
        var json = await FailureAsync(await forged.PostAsJsonAsync(ContentGeneration, Topic), HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal("Not authorized", json.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("{}", "topic is required (an object with a title)")]
    [InlineData("[1]", "Invalid request body")]
    [InlineData("{\"topic\":{\"description\":\"no title\"}}", "topic is required (an object with a title)")]
    [InlineData("{\"topic\":{\"title\":\"   \"}}", "topic is required (an object with a title)")]
    [InlineData("{\"topic\":{\"title\":\"T\"},\"businessInfo\":\"text\"}", "businessInfo must be an object of at most 20000 characters")]
    [InlineData("{\"topic\":{\"title\":\"T\"},\"organizationId\":\"nope\"}", "organizationId must be a UUID")]
    [InlineData("{\"topic\":{\"title\":\"T\"},\"organizationId\":\"0195d2a0-0000-7000-8000-000000000000\"}", "organizationId is not one of your organizations")]
    [InlineData("{\"topic\":{\"title\":\"T\"},\"additionalInstructions\":7}", "additionalInstructions must be a string of at most 2000 characters")]
    [InlineData("{\"topic\":{\"title\":\"T\"},\"options\":{\"autoSave\":\"yes\"}}", "options.includeVisuals and options.autoSave must be true or false")]
    [InlineData("{\"topic\":{\"title\":\"T\"},\"options\":{\"status\":\"archived\"}}", "options.status must be \"draft\" or \"published\"")]
    public async Task Content_generation_with_a_missing_topic_or_bad_fields_is_a_400(string body, string message)
    {
        var (user, _) = await factory.CreateUserAsync();

        var response = await user.PostAsync(ContentGeneration, new StringContent(body, Encoding.UTF8, "application/json"));

        var json = await FailureAsync(response, HttpStatusCode.BadRequest, "Invalid request");
        Assert.Equal(message, json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Content_generation_accepts_the_documented_payload()
    {
        var (user, _) = await factory.CreateUserAsync();

        var jobId = await AsyncJobsFactory.StartAsync(user, ContentGeneration, new
        {
            topic = new { title = "Sourdough for beginners", keywords = new[] { "sourdough" } },
            businessInfo = new { businessType = "Bakery", targetAudience = "Busy families" },
            additionalInstructions = "Keep it short.",
            options = new { includeVisuals = true, autoSave = true, status = "draft" },
        });

        var status = await HttpAssert.JsonAsync(await user.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.OK);
        Assert.Equal("queued", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancelling_a_queued_job_fails_it_with_Cancelled_and_a_retry_queues_the_same_job_again()
    {
        var session = factory.SessionClient();
        var jobId = await AsyncJobsFactory.StartAsync(session, WebsiteAnalysis, new { url = "https://example.com/" });

        await FailureAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/retry", null), HttpStatusCode.Conflict, "Job not failed");

        var cancelled = await HttpAssert.JsonAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/cancel", null), HttpStatusCode.OK);
        Assert.True(cancelled.GetProperty("cancelled").GetBoolean());
        var status = await HttpAssert.JsonAsync(await session.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.OK);
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal("Cancelled", status.GetProperty("error").GetString());

        await FailureAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/cancel", null), HttpStatusCode.Conflict, "Job already finished");

        // A client arriving after the end gets the terminal event at once, after "connected".
        var stream = await ServerSentEventsReader.ReadAsync(session, $"/api/v1/jobs/{jobId}/stream");
        Assert.Equal("text/event-stream", stream.ContentType);
        Assert.NotNull(stream.Retry);
        Assert.Equal(["connected", "failed"], stream.Events.Select(e => e.Name));
        Assert.All(stream.Events, e => Assert.False(string.IsNullOrEmpty(e.Id)));
        Assert.Equal("Cancelled", stream.Events[1].Data.GetProperty("error").GetString());

        var retried = await HttpAssert.JsonAsync(await session.PostAsync($"/api/v1/jobs/{jobId}/retry", null), HttpStatusCode.OK);
        Assert.Equal(jobId, retried.GetProperty("jobId").GetGuid());
        status = await HttpAssert.JsonAsync(await session.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.OK);
        Assert.Equal("queued", status.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task The_stream_accepts_the_token_in_the_query_and_needs_some_credentials()
    {
        var (user, auth) = await factory.CreateUserAsync();
        var jobId = await AsyncJobsFactory.StartAsync(user, WebsiteAnalysis, new { url = "https://example.com/" });
        await user.PostAsync($"/api/v1/jobs/{jobId}/cancel", null);
        var anonymous = factory.CreateClient();

        var stream = await ServerSentEventsReader.ReadAsync(anonymous, $"/api/v1/jobs/{jobId}/stream?token={auth.Token}");

        Assert.Equal(HttpStatusCode.OK, stream.Status);
        Assert.Equal(["connected", "failed"], stream.Events.Select(e => e.Name));
        Assert.Equal("0-0", stream.Events[0].Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ServerSentEventsReader.ReadAsync(anonymous, $"/api/v1/jobs/{jobId}/stream")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await ServerSentEventsReader.ReadAsync(anonymous, $"/api/v1/jobs/{jobId}/stream?token=forged")).Status);
    }

    internal static async Task<JsonElement> FailureAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var json = await HttpAssert.JsonAsync(response, status);
        Assert.False(json.GetProperty("success").GetBoolean());
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
        return json;
    }
}
