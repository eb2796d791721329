using ContentPlatform.Tests.Infrastructure;

namespace ContentPlatform.Tests.SocketIO;

// A frontend keeps its socket across an Api restart: socket.io-client reconnects and events flow again.
[Collection(RealProcesses.Name)]
public sealed class ApiRestartTests(SocketIOApi api) : IClassFixture<SocketIOApi>
{
    [Fact]
    public async Task A_client_reconnects_after_the_api_restarts_and_receives_job_completed()
    {
        var (http, user) = await api.CreateUserAsync();
        await using var client = NodeSocketClient.Start(api.Url, user.Token);
        await client.WaitForAsync("connect");

        await api.RestartApiAsync();
        await client.WaitForAsync("connect", count: 2);
        var jobId = await SocketIOClientTests.QueueAsync(http, "After the restart");
        var received = await client.WaitForAsync("job_completed");

        Assert.NotEmpty(client.EventsNamed("disconnect"));
        await SocketIOClientTests.AssertSameAsStatusEndpointAsync(http, user, jobId, received.GetProperty("data"));
    }
}
