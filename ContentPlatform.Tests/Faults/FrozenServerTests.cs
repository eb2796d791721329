using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Tests.Faults;

// README "Faults and timeouts", one test per frozen server: every main endpoint answers at all (within three times its
// budget: a liveness bound, not a speed figure), with 503 in its family's error shape, creates no job, and answers
// 200 again once the server is thawed, with no restart of the Api.
[Collection(RealProcesses.Name)]
public sealed class FrozenServerTests(FrozenServersFactory factory) : IClassFixture<FrozenServersFactory>
{
    private static readonly ServiceTimeouts Timeouts = new();
    private static readonly TimeSpan RequestBound = 3 * Timeouts.Request;
    private static readonly TimeSpan HealthBound = 3 * (Timeouts.HealthCheck + TimeSpan.FromSeconds(1));
    // Requests at once on a loaded 2-core machine: a liveness bound, generous on purpose.
    private static readonly TimeSpan ConcurrentBound = TimeSpan.FromSeconds(30);

    private const string QueueMessage = "Job queue is temporarily unavailable, please try again later";
    private const string ServiceMessage = "Service temporarily unavailable, please try again later";

    [Fact]
    public async Task While_postgres_is_frozen_every_endpoint_answers_503_creates_nothing_and_recovers_when_thawed()
    {
        var (client, _) = await factory.CreateUserAsync();
        client.Timeout = RequestBound;
        var jobId = await QueueGenerationAsync(client);
        var jobsBefore = await factory.CountJobsAsync();

        using (FrozenServer.Freeze(factory.Postgres.Process))
        {
            await Task.WhenAll(
                HealthAsync(HttpStatusCode.ServiceUnavailable, "Unhealthy"),
                MessageAsync(client.GetAsync("/auth/me"), ServiceMessage),
                MessageAsync(client.GetAsync($"/generate-content/{jobId}"), QueueMessage),
                MessageAsync(client.PostAsJsonAsync("/generate-content", GenerationRequest), QueueMessage),
                ApiFailureAsync(client.PostAsJsonAsync("/api/v1/jobs/content-generation", ContentGenerationRequest)));
        }

        await AllAnswerAgainAsync(client, jobId);
        // Two enqueues answered after the thaw; the two refused while frozen left no row, not even once PostgreSQL
        // ran what was waiting in its sockets.
        Assert.Equal(jobsBefore + 2, await factory.CountJobsAsync());
    }

    [Fact]
    public async Task While_redis_is_frozen_enqueues_answer_503_create_nothing_and_work_when_thawed()
    {
        var (client, _) = await factory.CreateUserAsync();
        client.Timeout = RequestBound;
        var jobId = await QueueGenerationAsync(client);
        var jobsBefore = await factory.CountJobsAsync();

        using (FrozenServer.Freeze(factory.RedisServer.Process))
        {
            await Task.WhenAll(
                HealthAsync(HttpStatusCode.ServiceUnavailable, "Unhealthy"),
                MessageAsync(client.PostAsJsonAsync("/generate-content", GenerationRequest), QueueMessage),
                ApiFailureAsync(client.PostAsJsonAsync("/api/v1/jobs/content-generation", ContentGenerationRequest)));
            Assert.Equal(jobsBefore, await factory.CountJobsAsync());
        }

        await AllAnswerAgainAsync(client, jobId);
        Assert.Equal(jobsBefore + 2, await factory.CountJobsAsync());
    }

    // Many requests at once to each endpoint, on pooled connections the freeze leaves waiting: half by a user the Api
    // has just seen (the endpoint's own statement stalls), half by users it has not checked yet (the user check
    // stalls); and /health sent with a bearer token. Every one answers, 503 in its family's shape, and the refused
    // enqueues leave no job behind.
    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    public async Task While_postgres_is_frozen_concurrent_requests_each_answer_503_and_create_nothing(int perEndpoint)
    {
        // An earlier test's thaw may still be settling: PostgreSQL works through the connections it was sent meanwhile.
        await HealthAsync(HttpStatusCode.OK, "Healthy", eventually: true);
        var (owner, _) = await factory.CreateUserAsync();
        owner.Timeout = ConcurrentBound;
        var jobId = await QueueGenerationAsync(owner);
        // One at a time: twenty sign-ups at once open twenty connections at once, which on a loaded machine can outlast
        // DatabaseConnect before the test has begun.
        var newcomers = new List<(HttpClient Client, AuthResult User)>();
        for (var i = 0; i < perEndpoint; i++)
        {
            var newcomer = await factory.CreateUserAsync();
            newcomer.Client.Timeout = ConcurrentBound;
            newcomers.Add(newcomer);
        }
        var clients = Enumerable.Range(0, perEndpoint).Select(i => i % 2 == 0 ? owner : newcomers[i].Client).ToList();
        // Leave idle connections in the pool for the requests to come (but stay below PostgreSQL's max_connections).
        await Task.WhenAll(Enumerable.Range(0, 2 * perEndpoint).Select(_ => owner.GetAsync("/auth/me")));
        var jobsBefore = await factory.CountJobsAsync();

        using (FrozenServer.Freeze(factory.Postgres.Process))
        {
            using var health = factory.CreateClient();
            health.Timeout = HealthBound;
            health.DefaultRequestHeaders.Authorization = newcomers[0].Client.DefaultRequestHeaders.Authorization;
            await Task.WhenAll(clients.SelectMany(client => new[]
            {
                MessageAsync(client.GetAsync("/auth/me"), ServiceMessage),
                MessageAsync(client.GetAsync($"/generate-content/{jobId}"), QueueMessage),
                MessageAsync(client.PostAsJsonAsync("/generate-content", GenerationRequest), QueueMessage),
                ApiFailureAsync(client.PostAsJsonAsync("/api/v1/jobs/content-generation", ContentGenerationRequest)),
            }).Append(HealthAsync(health, HttpStatusCode.ServiceUnavailable, "Unhealthy")));
        }

        await HealthAsync(HttpStatusCode.OK, "Healthy", eventually: true);
        // An insert whose caller had already been answered 503 may still commit once PostgreSQL wakes (its batch was
        // waiting to be sent); the Api then removes that row at once. So the count settles back, it is not there yet.
        await Eventually.TrueAsync(async () => await factory.CountJobsAsync() == jobsBefore,
            $"the job count to settle back at {jobsBefore}");
    }

    private static readonly object GenerationRequest = new { prompt = "Sourdough for beginners", contentType = "Blog Post Outline" };
    private static readonly object ContentGenerationRequest = new { topic = new { title = "Sourdough for beginners" } };

    private static async Task<Guid> QueueGenerationAsync(HttpClient client)
    {
        var queued = await HttpAssert.JsonAsync(await client.PostAsJsonAsync("/generate-content", GenerationRequest), HttpStatusCode.Accepted);
        return queued.GetProperty("jobId").GetGuid();
    }

    // Once thawed, everything answers again at once; the first answers may still come from pooled connections that
    // the freeze broke, so each is given a few tries.
    private async Task AllAnswerAgainAsync(HttpClient client, Guid jobId)
    {
        await HealthAsync(HttpStatusCode.OK, "Healthy", eventually: true);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/generate-content/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/generate-content", GenerationRequest)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/jobs/content-generation", ContentGenerationRequest)).StatusCode);
    }

    private async Task HealthAsync(HttpStatusCode status, string body, bool eventually = false)
    {
        using var client = factory.CreateClient();
        client.Timeout = HealthBound;
        await HealthAsync(client, status, body, eventually);
    }

    private static async Task HealthAsync(HttpClient client, HttpStatusCode status, string body, bool eventually = false)
    {
        if (eventually)
        {
            await Eventually.TrueAsync(async () => (await client.GetAsync("/health")).StatusCode == status, $"/health {body}");
        }
        var response = await client.GetAsync("/health");
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    // The documents' { message } shape.
    private static async Task MessageAsync(Task<HttpResponseMessage> request, string message) =>
        await HttpAssert.MessageAsync(await request, HttpStatusCode.ServiceUnavailable, message);

    // The /api/v1/jobs shape, as document 001 names its 503.
    private static async Task ApiFailureAsync(Task<HttpResponseMessage> request)
    {
        var body = await HttpAssert.JsonAsync(await request, HttpStatusCode.ServiceUnavailable);
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal("Service unavailable", body.GetProperty("error").GetString());
        Assert.Equal(QueueMessage, body.GetProperty("message").GetString());
    }
}
