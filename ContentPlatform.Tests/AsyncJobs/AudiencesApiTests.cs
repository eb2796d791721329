using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.AsyncJobs;

// /api/v1/audiences without a Worker, so calendar jobs stay queued while the trigger's idempotency is checked.
public sealed class AudiencesApiTests(ApiOnlyFactory factory) : IClassFixture<ApiOnlyFactory>
{
    private const string Audiences = "/api/v1/audiences";

    [Fact]
    public async Task A_user_creates_an_audience_and_reads_it_back_alone_and_in_the_list()
    {
        var (user, _) = await factory.CreateUserAsync();

        var created = await HttpAssert.JsonAsync(
            await user.PostAsJsonAsync(Audiences, new { name = "Busy families", description = "Parents who want bread before school" }),
            HttpStatusCode.Created);

        Assert.True(created.GetProperty("success").GetBoolean());
        var audience = created.GetProperty("audience");
        var id = audience.GetProperty("id").GetGuid();
        Assert.Equal("Busy families", audience.GetProperty("name").GetString());
        Assert.Equal("Parents who want bread before school", audience.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, audience.GetProperty("content_ideas").ValueKind);
        Assert.Equal(JsonValueKind.Null, audience.GetProperty("content_calendar_generated_at").ValueKind);
        Assert.False(audience.TryGetProperty("content_calendar_job_id", out _));

        var fetched = await HttpAssert.JsonAsync(await user.GetAsync($"{Audiences}/{id}?testbed=1"), HttpStatusCode.OK);
        Assert.True(fetched.GetProperty("success").GetBoolean());
        Assert.Equal(id, fetched.GetProperty("audience").GetProperty("id").GetGuid());

        var list = await HttpAssert.JsonAsync(await user.GetAsync(Audiences), HttpStatusCode.OK);
        Assert.True(list.GetProperty("success").GetBoolean());
        Assert.Equal([id], list.GetProperty("audiences").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task An_anonymous_session_owns_its_audiences_and_nobody_else_sees_them()
    {
        var session = factory.SessionClient();
        var created = await HttpAssert.JsonAsync(await session.PostAsJsonAsync(Audiences, new { name = "Coffee lovers" }), HttpStatusCode.Created);
        var id = created.GetProperty("audience").GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync($"{Audiences}/{id}")).StatusCode);
        var (user, _) = await factory.CreateUserAsync();
        foreach (var stranger in new[] { factory.SessionClient(), user })
        {
            await JobsApiTests.FailureAsync(await stranger.GetAsync($"{Audiences}/{id}"), HttpStatusCode.NotFound, "Audience not found");
            var list = await HttpAssert.JsonAsync(await stranger.GetAsync(Audiences), HttpStatusCode.OK);
            Assert.Empty(list.GetProperty("audiences").EnumerateArray());
        }
        await JobsApiTests.FailureAsync(await session.GetAsync($"{Audiences}/not-a-uuid"), HttpStatusCode.NotFound, "Audience not found");
    }

    [Fact]
    public async Task Audience_errors_have_the_documents_shape()
    {
        var anonymous = factory.CreateClient();
        await JobsApiTests.FailureAsync(await anonymous.PostAsJsonAsync(Audiences, new { name = "x" }), HttpStatusCode.Unauthorized, "Unauthorized");
        await JobsApiTests.FailureAsync(await anonymous.GetAsync(Audiences), HttpStatusCode.Unauthorized, "Unauthorized");
        await JobsApiTests.FailureAsync(await anonymous.GetAsync($"{Audiences}/{Guid.NewGuid()}"), HttpStatusCode.Unauthorized, "Unauthorized");

        var (user, _) = await factory.CreateUserAsync();
        await JobsApiTests.FailureAsync(await user.PostAsJsonAsync(Audiences, new { description = "no name" }), HttpStatusCode.BadRequest, "Invalid request");
        await JobsApiTests.FailureAsync(await user.PostAsJsonAsync(Audiences, new { name = new string('n', 201) }), HttpStatusCode.BadRequest, "Invalid request");
        await JobsApiTests.FailureAsync(await user.PostAsJsonAsync(Audiences, new { name = "x", organizationId = Guid.NewGuid() }), HttpStatusCode.BadRequest, "Invalid request");
    }

    [Fact]
    public async Task Requesting_a_calendar_needs_a_signed_in_owner()
    {
        var session = factory.SessionClient();
        var created = await HttpAssert.JsonAsync(await session.PostAsJsonAsync(Audiences, new { name = "Coffee lovers" }), HttpStatusCode.Created);
        var sessionAudience = created.GetProperty("audience").GetProperty("id").GetGuid();

        var json = await JobsApiTests.FailureAsync(
            await session.PostAsync($"{Audiences}/{sessionAudience}/request-content-calendar", null), HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal("Not authorized, no token", json.GetProperty("message").GetString());

        var (owner, _) = await factory.CreateUserAsync();
        var audienceId = await CreateAudienceAsync(owner);
        var (stranger, _) = await factory.CreateUserAsync();
        await JobsApiTests.FailureAsync(
            await stranger.PostAsync($"{Audiences}/{audienceId}/request-content-calendar", null), HttpStatusCode.NotFound, "Audience not found");
        await JobsApiTests.FailureAsync(
            await owner.PostAsync($"{Audiences}/{Guid.NewGuid()}/request-content-calendar", null), HttpStatusCode.NotFound, "Audience not found");
        await JobsApiTests.FailureAsync(
            await owner.PostAsync($"{Audiences}/not-a-uuid/request-content-calendar", null), HttpStatusCode.NotFound, "Audience not found");
    }

    [Fact]
    public async Task Twenty_simultaneous_calendar_requests_create_exactly_one_job_and_the_others_get_it_with_200()
    {
        var (user, _) = await factory.CreateUserAsync();
        var audienceId = await CreateAudienceAsync(user);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            user.PostAsJsonAsync($"{Audiences}/{audienceId}/request-content-calendar", new { })));
        var bodies = await Task.WhenAll(responses.Select(async r => (r.StatusCode, Json: await HttpAssert.JsonAsync(r, r.StatusCode))));

        var created = Assert.Single(bodies, b => b.StatusCode == HttpStatusCode.Created);
        var jobId = created.Json.GetProperty("jobId").GetGuid();
        Assert.True(created.Json.GetProperty("success").GetBoolean());
        Assert.False(created.Json.TryGetProperty("message", out _));
        var others = bodies.Where(b => b.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(19, others.Count);
        Assert.All(others, b =>
        {
            Assert.Equal(HttpStatusCode.OK, b.StatusCode);
            Assert.True(b.Json.GetProperty("success").GetBoolean());
            Assert.Equal(jobId, b.Json.GetProperty("jobId").GetGuid());
            Assert.Equal("Content calendar job already in progress", b.Json.GetProperty("message").GetString());
        });

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.SubjectId == audienceId));

        var audience = await HttpAssert.JsonAsync(await user.GetAsync($"{Audiences}/{audienceId}"), HttpStatusCode.OK);
        Assert.Equal(jobId, audience.GetProperty("audience").GetProperty("content_calendar_job_id").GetGuid());
        var status = await HttpAssert.JsonAsync(await user.GetAsync($"/api/v1/jobs/{jobId}/status"), HttpStatusCode.OK);
        Assert.Equal("queued", status.GetProperty("status").GetString());

        // Once that job ends, the audience has no job id any more and a new request creates a new job.
        await user.PostAsync($"/api/v1/jobs/{jobId}/cancel", null);
        audience = await HttpAssert.JsonAsync(await user.GetAsync($"{Audiences}/{audienceId}"), HttpStatusCode.OK);
        Assert.False(audience.GetProperty("audience").TryGetProperty("content_calendar_job_id", out _));
        var again = await HttpAssert.JsonAsync(
            await user.PostAsync($"{Audiences}/{audienceId}/request-content-calendar", null), HttpStatusCode.Created);
        Assert.NotEqual(jobId, again.GetProperty("jobId").GetGuid());

        // The cancelled job cannot be retried while the new one is active: one calendar job per audience.
        await JobsApiTests.FailureAsync(await user.PostAsync($"/api/v1/jobs/{jobId}/retry", null), HttpStatusCode.Conflict, "Job in progress");
    }

    internal static async Task<Guid> CreateAudienceAsync(HttpClient user, string name = "Busy families")
    {
        var created = await HttpAssert.JsonAsync(
            await user.PostAsJsonAsync("/api/v1/audiences", new { name, description = "Parents who bake sourdough at home" }),
            HttpStatusCode.Created);
        return created.GetProperty("audience").GetProperty("id").GetGuid();
    }
}

// Redis does not answer: the documented 503 and nothing half-created.
public sealed class QueueUnavailableTests(RedisDownFactory factory) : IClassFixture<RedisDownFactory>
{
    [Fact]
    public async Task Every_enqueue_answers_503_and_leaves_no_job()
    {
        var (user, _) = await factory.CreateUserAsync();
        var audienceId = await AudiencesApiTests.CreateAudienceAsync(user);

        var responses = await Task.WhenAll(
            user.PostAsJsonAsync("/api/v1/jobs/website-analysis", new { url = "https://example.com/" }),
            user.PostAsJsonAsync("/api/v1/jobs/content-generation", new { topic = new { title = "Sourdough" } }),
            user.PostAsync($"/api/v1/audiences/{audienceId}/request-content-calendar", null));

        foreach (var response in responses)
        {
            var json = await JobsApiTests.FailureAsync(response, HttpStatusCode.ServiceUnavailable, "Service unavailable");
            Assert.StartsWith("Job queue is temporarily unavailable", json.GetProperty("message").GetString());
        }
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ContentDbContext>().Jobs.CountAsync());
    }
}
