using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContentPlatform.Api.Auth;
using Microsoft.IdentityModel.Tokens;
using ContentPlatform.Tests.Api;

namespace ContentPlatform.Tests.SocketIO;

// Document 003 §7 with the real socket.io-client 4.8.4 (Node) against the Api process and a real Worker.
[Collection(SocketIOApiCollection.Name)]
public sealed class SocketIOClientTests(SocketIOApi api)
{
    [Fact]
    public async Task A_client_that_polls_then_upgrades_receives_job_completed_for_its_job_with_the_status_endpoints_content()
    {
        var (http, user) = await api.CreateUserAsync();
        await using var client = NodeSocketClient.Start(api.Url, user.Token);

        Assert.Equal("polling", (await client.WaitForAsync("open")).GetProperty("transport").GetString());
        await client.WaitForAsync("connect");
        Assert.Equal("websocket", (await client.WaitForAsync("upgrade")).GetProperty("transport").GetString());
        var jobId = await QueueAsync(http, "Summer sale on running shoes");

        var received = await client.WaitForAsync("job_completed");

        Assert.Equal("websocket", received.GetProperty("transport").GetString());
        await AssertSameAsStatusEndpointAsync(http, user, jobId, received.GetProperty("data"));
    }

    [Fact]
    public async Task A_websocket_only_client_receives_job_completed_for_its_job_with_the_status_endpoints_content()
    {
        var (http, user) = await api.CreateUserAsync();
        await using var client = NodeSocketClient.Start(api.Url, user.Token, websocketOnly: true);

        Assert.Equal("websocket", (await client.WaitForAsync("connect")).GetProperty("transport").GetString());
        var jobId = await QueueAsync(http, "Wireless headphones with 40-hour battery", "Product Description");

        var received = await client.WaitForAsync("job_completed");

        await AssertSameAsStatusEndpointAsync(http, user, jobId, received.GetProperty("data"));
    }

    [Fact]
    public async Task Another_connected_user_receives_nothing_of_a_users_job()
    {
        var (aliceHttp, alice) = await api.CreateUserAsync();
        var (bobHttp, bob) = await api.CreateUserAsync();
        await using var aliceClient = NodeSocketClient.Start(api.Url, alice.Token);
        await using var bobClient = NodeSocketClient.Start(api.Url, bob.Token, websocketOnly: true);
        await aliceClient.WaitForAsync("connect");
        await bobClient.WaitForAsync("connect");

        var aliceJob = await QueueAsync(aliceHttp, "Alice's launch post");
        await aliceClient.WaitForAsync("job_completed");
        // Bob's own job ends after Alice's: had Alice's event reached Bob, it would be there before his.
        var bobJob = await QueueAsync(bobHttp, "Bob's launch post");
        var bobReceived = await bobClient.WaitForAsync("job_completed");

        Assert.Equal(bobJob, bobReceived.GetProperty("data").GetProperty("jobId").GetString());
        Assert.Equal(bob.Id, bobReceived.GetProperty("data").GetProperty("userId").GetString());
        Assert.Single(bobClient.EventsNamed("job_completed"));
        Assert.Equal(aliceJob, Assert.Single(aliceClient.EventsNamed("job_completed")).GetProperty("data").GetProperty("jobId").GetString());
    }

    [Theory]
    [InlineData(null, "Not authorized, no token")]
    [InlineData("", "Not authorized, no token")]
    [InlineData("not-a-jwt", "Not authorized")]
    [InlineData(SignedWithAnotherKey, "Not authorized")]
    public async Task A_missing_or_invalid_token_gets_connect_error_with_its_message(string? token, string message)
    {
        if (token == SignedWithAnotherKey)
        {
            var (_, user) = await api.CreateUserAsync();
            var otherKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-signing-key-of-at-least-32-bytes!"));
            token = new JwtTokens(new JwtSigningKey(otherKey, IsEphemeral: false), new JwtAudience(JwtAudience.DefaultIssuer, JwtAudience.DefaultAudience), TimeProvider.System).Issue(Guid.Parse(user.Id));
        }
        await using var client = NodeSocketClient.Start(api.Url, token);

        var error = await client.WaitForAsync("connect_error");

        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Empty(client.EventsNamed("connect"));
    }

    private const string SignedWithAnotherKey = "a valid token of a user, signed with another key";

    [Fact]
    public async Task The_connection_stays_up_past_several_ping_intervals()
    {
        var (_, user) = await api.CreateUserAsync();
        await using var client = NodeSocketClient.Start(api.Url, user.Token);
        await client.WaitForAsync("connect");

        // Pings come every 400 ms (SocketIOApi.PingInterval); each needs the client's pong for the next to come.
        await client.WaitForAsync("ping", count: 8);

        Assert.Contains(client.EventsNamed("ping"), p => p.GetProperty("transport").GetString() == "websocket");
        Assert.Single(client.EventsNamed("connect"));
        Assert.Single(client.EventsNamed("open"));
        Assert.Empty(client.EventsNamed("disconnect"));
    }

    [Fact]
    public async Task A_client_event_that_asks_for_an_acknowledgement_gets_one()
    {
        var (_, user) = await api.CreateUserAsync();
        await using var client = NodeSocketClient.Start(api.Url, user.Token, ack: true);

        var ack = await client.WaitForAsync("ack");

        Assert.Equal(JsonValueKind.Null, ack.GetProperty("error").ValueKind);
        Assert.Equal(0, ack.GetProperty("args").GetArrayLength());
    }

    internal static async Task<string> QueueAsync(HttpClient http, string prompt, string contentType = "Social Media Caption")
    {
        var response = await http.PostAsJsonAsync("/generate-content", new { prompt, contentType });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
    }

    // Document 003 §7.3's payload, with the content and time GET /generate-content/:jobId shows.
    internal static async Task AssertSameAsStatusEndpointAsync(HttpClient http, AuthResult user, string jobId, JsonElement payload)
    {
        Assert.Equal(["userId", "jobId", "status", "generatedContent", "completedAt"], payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(user.Id, payload.GetProperty("userId").GetString());
        Assert.Equal(jobId, payload.GetProperty("jobId").GetString());
        Assert.Equal("completed", payload.GetProperty("status").GetString());
        var status = await http.GetFromJsonAsync<JsonElement>($"/generate-content/{jobId}");
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(status.GetProperty("generatedContent").GetString(), payload.GetProperty("generatedContent").GetString());
        Assert.Equal(status.GetProperty("completedAt").GetString(), payload.GetProperty("completedAt").GetString());
    }
}
