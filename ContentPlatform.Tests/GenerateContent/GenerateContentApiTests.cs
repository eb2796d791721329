using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContentPlatform.Tests.Api;

namespace ContentPlatform.Tests.GenerateContent;

// Queueing with the documents' default 60-second delay: jobs stay queued, so every pre-completion answer can be checked.
public sealed class GenerateContentApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Queueing_answers_202_with_the_documented_fields_and_the_60_second_delay()
    {
        var (client, _) = await factory.CreateUserAsync();
        var before = DateTime.UtcNow;

        var response = await client.PostAsJsonAsync("/generate-content",
            new { prompt = "The future of artificial intelligence in healthcare", contentType = "Blog Post Outline" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(
            ["message", "jobId", "status", "delaySeconds", "scheduledFor", "estimatedCompletionTime"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Content generation job queued successfully", body.GetProperty("message").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("jobId").GetString(), out _));
        Assert.Equal("queued", body.GetProperty("status").GetString());
        Assert.Equal(60, body.GetProperty("delaySeconds").GetInt32());
        var scheduledFor = body.GetProperty("scheduledFor").GetDateTime();
        Assert.InRange(scheduledFor, before.AddSeconds(59), DateTime.UtcNow.AddSeconds(61));
        Assert.Equal(scheduledFor.AddSeconds(30), body.GetProperty("estimatedCompletionTime").GetDateTime());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body.GetProperty("scheduledFor").GetString());
    }

    [Fact]
    public async Task A_queued_job_shows_only_the_queued_fields_and_cannot_be_saved()
    {
        var (client, _) = await factory.CreateUserAsync();
        var jobId = await QueueAsync(client, "Eco-friendly water bottle for hikers", "Product Description");

        var status = await client.GetFromJsonAsync<JsonElement>($"/generate-content/{jobId}");
        Assert.Equal(
            ["jobId", "status", "contentType", "prompt", "scheduledFor", "createdAt"],
            status.EnumerateObject().Select(p => p.Name));
        Assert.Equal("queued", status.GetProperty("status").GetString());
        Assert.Equal("Product Description", status.GetProperty("contentType").GetString());
        Assert.Equal("Eco-friendly water bottle for hikers", status.GetProperty("prompt").GetString());

        var save = await client.PostAsJsonAsync($"/generate-content/{jobId}/save", new { });
        Assert.Equal(HttpStatusCode.BadRequest, save.StatusCode);
        var error = await save.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Cannot save content from incomplete job", error.GetProperty("message").GetString());
        Assert.Equal("queued", error.GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task The_job_list_is_the_users_own_newest_first_in_the_job_model_shape()
    {
        var (client, user) = await factory.CreateUserAsync();
        var (other, _) = await factory.CreateUserAsync();
        var first = await QueueAsync(client, "First prompt", "Blog Post Outline");
        var second = await QueueAsync(client, "Second prompt", "Social Media Caption");
        await QueueAsync(other, "Someone else's prompt", "Blog Post Outline");

        var jobs = await client.GetFromJsonAsync<JsonElement[]>("/generate-content") ?? [];

        Assert.Equal([second, first], jobs.Select(j => j.GetProperty("jobId").GetString()));
        var job = jobs[0];
        Assert.Equal(
            ["_id", "jobId", "userId", "prompt", "contentType", "status", "scheduledFor", "createdAt", "updatedAt", "__v"],
            job.EnumerateObject().Select(p => p.Name));
        Assert.Equal(user.Id, job.GetProperty("userId").GetString());
        Assert.Equal("Social Media Caption", job.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task Another_users_job_is_not_found()
    {
        var (owner, _) = await factory.CreateUserAsync();
        var (intruder, _) = await factory.CreateUserAsync();
        var jobId = await QueueAsync(owner, "Private prompt", "Blog Post Outline");

        foreach (var response in new[]
                 {
                     await intruder.GetAsync($"/generate-content/{jobId}"),
                     await intruder.PostAsJsonAsync($"/generate-content/{jobId}/save", new { }),
                 })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("Job not found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        }
    }

    [Theory]
    [InlineData("missing-id")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("b84e3feb-19c9-4231-8893-0eba6bd61a63")]
    public async Task An_unknown_or_malformed_job_id_is_404(string jobId)
    {
        var (client, _) = await factory.CreateUserAsync();

        var response = await client.GetAsync($"/generate-content/{jobId}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Job not found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"contentType":"Blog Post Outline"}""", "Please provide prompt and contentType")]
    [InlineData("""{"prompt":"Sourdough"}""", "Please provide prompt and contentType")]
    [InlineData("""{"prompt":"   ","contentType":"Blog Post Outline"}""", "Please provide prompt and contentType")]
    [InlineData("""{"prompt":42,"contentType":"Blog Post Outline"}""", "Please provide prompt and contentType")]
    [InlineData("""[{"prompt":"Sourdough","contentType":"Blog Post Outline"}]""", "Please provide prompt and contentType")]
    [InlineData("""{"prompt":"Sourdough","contentType":""" + "\"Poem\"}", "Invalid content type. Must be one of: Blog Post Outline, Product Description, Social Media Caption")]
    [InlineData("{not json", "Please provide prompt and contentType")]
    [InlineData("", "Please provide prompt and contentType")]
    public async Task Bad_input_gets_the_documented_400_and_queues_nothing(string json, string message)
    {
        var (client, _) = await factory.CreateUserAsync();

        var response = await client.PostAsync("/generate-content", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/generate-content"))!);
    }

    [Fact]
    public async Task A_prompt_over_2000_characters_is_refused()
    {
        var (client, _) = await factory.CreateUserAsync();

        var response = await client.PostAsJsonAsync("/generate-content", new { prompt = new string('a', 2001), contentType = "Blog Post Outline" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Prompt must be at most 2000 characters", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("POST", "/generate-content")]
    [InlineData("GET", "/generate-content")]
    [InlineData("GET", "/generate-content/b84e3feb-19c9-4231-8893-0eba6bd61a63")]
    [InlineData("POST", "/generate-content/b84e3feb-19c9-4231-8893-0eba6bd61a63/save")]
    [InlineData("GET", "/events")]
    public async Task Every_generator_endpoint_requires_a_token(string method, string path)
    {
        var response = await factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Not authorized, no token", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    private static async Task<string> QueueAsync(HttpClient client, string prompt, string contentType)
    {
        var response = await client.PostAsJsonAsync("/generate-content", new { prompt, contentType });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
    }
}
