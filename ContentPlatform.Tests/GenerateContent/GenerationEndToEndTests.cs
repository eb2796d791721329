using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Jobs;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.GenerateContent;

// Document 003's flow against the real Api and a real Worker process: register → generate → completed → save →
// listed in /content, and the job_completed notification over SSE.
[Collection(Infrastructure.RealProcesses.Name)]
public sealed class GenerationEndToEndTests(GeneratingApiFactory factory) : IClassFixture<GeneratingApiFactory>
{
    [Fact]
    public async Task Register_generate_complete_save_and_find_it_in_the_library()
    {
        var (client, user) = await factory.CreateUserAsync();

        var jobId = await QueueAsync(client, "How to bake a sourdough bread", "Blog Post Outline");
        var status = await WaitForStatusAsync(client, jobId, "completed");

        Assert.Equal(
            ["jobId", "status", "contentType", "prompt", "scheduledFor", "createdAt", "generatedContent", "completedAt"],
            status.EnumerateObject().Select(p => p.Name));
        var generated = status.GetProperty("generatedContent").GetString()!;
        Assert.StartsWith("#", generated);
        Assert.Contains("sourdough", generated, StringComparison.OrdinalIgnoreCase);

        var save = await client.PostAsJsonAsync($"/generate-content/{jobId}/save", new { });
        Assert.Equal(HttpStatusCode.Created, save.StatusCode);
        var saved = await save.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Content saved successfully", saved.GetProperty("message").GetString());
        var content = saved.GetProperty("content");
        Assert.Equal("How to bake a sourdough bread", content.GetProperty("title").GetString());
        Assert.Equal("Blog Post Outline", content.GetProperty("type").GetString());
        Assert.Equal(generated, content.GetProperty("body").GetString());
        Assert.Equal(user.Id, content.GetProperty("userId").GetString());

        var library = await client.GetFromJsonAsync<JsonElement[]>("/content");
        Assert.Equal(content.GetProperty("_id").GetString(), Assert.Single(library!).GetProperty("_id").GetString());

        var jobs = await client.GetFromJsonAsync<JsonElement[]>("/generate-content");
        var listed = Assert.Single(jobs!);
        Assert.Equal("completed", listed.GetProperty("status").GetString());
        Assert.Equal(generated, listed.GetProperty("generatedContent").GetString());
        Assert.True(listed.TryGetProperty("completedAt", out _));
    }

    [Fact]
    public async Task Saving_with_a_title_uses_it()
    {
        var (client, _) = await factory.CreateUserAsync();
        var jobId = await QueueAsync(client, "Wireless headphones with 40-hour battery", "Product Description");
        await WaitForStatusAsync(client, jobId, "completed");

        var save = await client.PostAsJsonAsync($"/generate-content/{jobId}/save", new { title = "Headphones page" });

        Assert.Equal(HttpStatusCode.Created, save.StatusCode);
        var content = (await save.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content");
        Assert.Equal("Headphones page", content.GetProperty("title").GetString());
        Assert.Equal("Product Description", content.GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_users_event_stream_delivers_job_completed_with_the_documented_payload()
    {
        var (client, user) = await factory.CreateUserAsync();
        var stream = ServerSentEventsReader.ReadAsync(factory.CreateClient(), $"/events?token={user.Token}", stopAfter: 1);
        // The job is queued only once the stream listens to the user's events, or its completion could come first.
        var events = factory.Services.GetRequiredService<JobEvents>();
        await Eventually.TrueAsync(() => events.IsWatchingUser(Guid.Parse(user.Id)), "the event stream to subscribe");

        var jobId = await QueueAsync(client, "Summer sale on running shoes", "Social Media Caption");

        var received = await stream;
        Assert.Equal(HttpStatusCode.OK, received.Status);
        Assert.Equal("text/event-stream", received.ContentType);
        var jobCompleted = Assert.Single(received.Events);
        Assert.Equal("job_completed", jobCompleted.Name);
        Assert.False(string.IsNullOrEmpty(jobCompleted.Id));
        var payload = jobCompleted.Data;
        Assert.Equal(
            ["userId", "jobId", "status", "generatedContent", "completedAt"],
            payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(user.Id, payload.GetProperty("userId").GetString());
        Assert.Equal(jobId, payload.GetProperty("jobId").GetString());
        Assert.Equal("completed", payload.GetProperty("status").GetString());
        Assert.Contains("#", payload.GetProperty("generatedContent").GetString());
    }

    private static async Task<string> QueueAsync(HttpClient client, string prompt, string contentType)
    {
        var response = await client.PostAsJsonAsync("/generate-content", new { prompt, contentType });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, body.GetProperty("delaySeconds").GetInt32());
        return body.GetProperty("jobId").GetString()!;
    }

    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, string jobId, string expected)
    {
        var last = default(JsonElement);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            last = await client.GetFromJsonAsync<JsonElement>($"/generate-content/{jobId}");
            if (last.GetProperty("status").GetString() == expected)
            {
                return last;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Job {jobId} never became {expected}; last seen {last}.");
    }
}
