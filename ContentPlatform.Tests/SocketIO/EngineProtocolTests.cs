using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Tests.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPlatform.Tests.SocketIO;

// The Api with a short heartbeat and a small maxPayload, for the protocol's edges a well-behaved client never shows.
public sealed class EngineProtocolApiFactory : ApiFactory
{
    public const int MaxPayload = 1000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("SocketIO:PingInterval", "00:00:00.300");
        // Long enough for a loaded machine to answer a ping in time.
        builder.UseSetting("SocketIO:PingTimeout", "00:00:10");
        builder.UseSetting("SocketIO:MaxPayload", MaxPayload.ToString());
    }
}

// Engine.IO v4 and Socket.IO v5 over HTTP long-polling, request by request, as the specifications' test suites do.
public sealed class EngineProtocolTests(EngineProtocolApiFactory factory) : IClassFixture<EngineProtocolApiFactory>
{
    private const string Base = "/socket.io/?EIO=4&transport=polling";

    [Fact]
    public async Task The_handshake_opens_a_session_with_the_settings()
    {
        var response = await factory.CreateClient().GetAsync(Base);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("0", body);
        var open = JsonDocument.Parse(body[1..]).RootElement;
        Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"], open.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["websocket"], open.GetProperty("upgrades").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(300, open.GetProperty("pingInterval").GetInt32());
        Assert.Equal(EngineProtocolApiFactory.MaxPayload, open.GetProperty("maxPayload").GetInt32());
    }

    [Theory]
    [InlineData("/socket.io/?transport=polling", 5)]
    [InlineData("/socket.io/?EIO=3&transport=polling", 5)]
    [InlineData("/socket.io/?EIO=4", 0)]
    [InlineData("/socket.io/?EIO=4&transport=abc", 0)]
    [InlineData("/socket.io/?EIO=4&transport=polling&sid=unknown", 1)]
    public async Task Bad_query_parameters_get_400_with_engine_ios_error_code(string url, int code)
    {
        var response = await factory.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_handshake_by_post_is_refused()
    {
        var response = await factory.CreateClient().PostAsync(Base, new StringContent("40"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Several_packets_in_one_post_are_each_handled()
    {
        var (client, sid) = await OpenAsync();

        // Two CONNECTs to namespaces that do not exist: each refused, in order.
        var post = await client.PostAsync($"{Base}&sid={sid}", new StringContent("40/admin,\u001e40/other,"));
        Assert.Equal("ok", await post.Content.ReadAsStringAsync());

        Assert.Equal("44/admin,{\"message\":\"Invalid namespace\"}\u001e44/other,{\"message\":\"Invalid namespace\"}", await PollAsync(client, sid));
    }

    [Fact]
    public async Task A_connect_without_a_token_gets_connect_error_and_one_with_a_token_gets_its_socket_id()
    {
        var (_, user) = await factory.CreateUserAsync();
        var (client, sid) = await OpenAsync();

        await client.PostAsync($"{Base}&sid={sid}", new StringContent("40"));
        Assert.Equal("44{\"message\":\"Not authorized, no token\"}", await PollAsync(client, sid));

        await client.PostAsync($"{Base}&sid={sid}", new StringContent($"40{{\"token\":\"{user.Token}\"}}"));
        var connected = await PollAsync(client, sid);
        Assert.StartsWith("40{\"sid\":\"", connected);
        Assert.NotEqual(sid, JsonDocument.Parse(connected[2..]).RootElement.GetProperty("sid").GetString());
    }

    [Fact]
    public async Task A_connect_with_the_token_of_a_deleted_user_gets_connect_error_user_not_found()
    {
        var (_, user) = await factory.CreateUserAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ContentDbContext>().Users.Where(u => u.Id == Guid.Parse(user.Id)).ExecuteDeleteAsync();
        }
        var (client, sid) = await OpenAsync();

        await client.PostAsync($"{Base}&sid={sid}", new StringContent($"40{{\"token\":\"{user.Token}\"}}"));

        Assert.Equal("44{\"message\":\"User not found\"}", await PollAsync(client, sid));
    }

    [Fact]
    public async Task An_event_before_connect_closes_the_session()
    {
        var (client, sid) = await OpenAsync();

        await client.PostAsync($"{Base}&sid={sid}", new StringContent("42[\"hello\"]"));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{Base}&sid={sid}")).StatusCode);
    }

    [Fact]
    public async Task A_malformed_packet_gets_400_and_closes_the_session()
    {
        var (client, sid) = await OpenAsync();

        var post = await client.PostAsync($"{Base}&sid={sid}", new StringContent("abc"));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{Base}&sid={sid}")).StatusCode);
    }

    [Fact]
    public async Task A_payload_over_max_payload_gets_413_and_closes_the_session()
    {
        var (client, sid) = await OpenAsync();

        var post = await client.PostAsync($"{Base}&sid={sid}", new StringContent("4" + new string('x', EngineProtocolApiFactory.MaxPayload)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{Base}&sid={sid}")).StatusCode);
    }

    [Fact]
    public async Task The_server_pings_and_a_client_that_answers_stays()
    {
        var (client, sid) = await OpenAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("2", await client.GetStringAsync($"{Base}&sid={sid}"));
            Assert.Equal("ok", await (await client.PostAsync($"{Base}&sid={sid}", new StringContent("3"))).Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_client_that_vanishes_is_dropped_after_the_ping_timeout()
    {
        var (client, sid) = await OpenAsync();

        // Nothing polls, so no pong comes back: the session must go (waiting for that, not for a time).
        var status = HttpStatusCode.OK;
        for (var attempt = 0; attempt < 300 && status != HttpStatusCode.BadRequest; attempt++)
        {
            await Task.Delay(100);
            status = (await client.PostAsync($"{Base}&sid={sid}", new StringContent("6"))).StatusCode;
        }

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task A_client_close_packet_ends_the_session()
    {
        var (client, sid) = await OpenAsync();

        await client.PostAsync($"{Base}&sid={sid}", new StringContent("1"));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{Base}&sid={sid}")).StatusCode);
    }

    private async Task<(HttpClient Client, string Sid)> OpenAsync()
    {
        var client = factory.CreateClient();
        var body = await client.GetStringAsync(Base);
        return (client, JsonDocument.Parse(body[1..]).RootElement.GetProperty("sid").GetString()!);
    }

    // The next poll's payload that is not a ping (answering pings, so the session stays).
    private async Task<string> PollAsync(HttpClient client, string sid)
    {
        while (true)
        {
            var response = await client.GetAsync($"{Base}&sid={sid}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var payload = await response.Content.ReadAsStringAsync();
            var packets = payload.Split('\u001e').Where(p => p != "2").ToArray();
            if (packets.Length < payload.Split('\u001e').Length)
            {
                await client.PostAsync($"{Base}&sid={sid}", new StringContent("3", Encoding.UTF8));
            }
            if (packets.Length > 0)
            {
                return string.Join('\u001e', packets);
            }
        }
    }
}
