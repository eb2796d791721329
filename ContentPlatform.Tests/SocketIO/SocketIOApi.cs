using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Infrastructure;
using ContentPlatform.Tests.Jobs;

namespace ContentPlatform.Tests.SocketIO;

// The Api as a real process on a real port (socket.io-client and browsers need one), with no generation delay,
// a short Socket.IO ping interval and a real Worker, on a database and key prefix of its own. Restartable.
public class SocketIOApi : IAsyncLifetime
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(400);

    private readonly ConcurrentQueue<string> _output = new();
    private ChildProcess? _api;
    private ChildProcess? _worker;
    private string _database = "";
    private string _redis = "";
    private readonly string _keyPrefix = $"test-{Guid.NewGuid():N}:";

    public int Port { get; } = TestServers.FreePort();
    public string Url => $"http://localhost:{Port}";

    // The only origin the Api's CORS policy allows: where the browser test serves its page.
    public int PagePort { get; } = TestServers.FreePort();
    public string PageOrigin => $"http://localhost:{PagePort}";

    public string Output => string.Join('\n', _output);

    public async Task InitializeAsync()
    {
        await NodePackages.EnsureInstalledAsync();
        var servers = await TestServers.GetAsync();
        _database = await servers.CreateDatabaseAsync("socketio");
        _redis = servers.Redis.ConnectionString;
        await StartApiAsync();
        _worker = WorkerProcess.Start(_database, _redis, _keyPrefix, new Dictionary<string, string?>(), line => _output.Enqueue("worker | " + line));
    }

    public async Task RestartApiAsync()
    {
        await _api!.StopAsync(TimeSpan.FromSeconds(10));
        await StartApiAsync();
    }

    private async Task StartApiAsync()
    {
        var dll = RepositoryLayout.BuiltAssembly("ContentPlatform.Api");
        _api = ChildProcess.Start(new ChildProcessSpec("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll),
            Environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = Url,
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__contentdb"] = _database,
                ["ConnectionStrings__redis"] = _redis,
                ["Jwt__Key"] = ApiFactory.JwtKey,
                ["Jobs__KeyPrefix"] = _keyPrefix,
                ["GenerateContent__DelaySeconds"] = "0",
                ["Cors__AllowedOrigins"] = PageOrigin,
                ["SocketIO__PingInterval"] = PingInterval.ToString(),
                ["SocketIO__PingTimeout"] = "00:00:10",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        }, line => _output.Enqueue("api | " + line));

        using var http = new HttpClient { BaseAddress = new Uri(Url) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/alive", timeout.Token)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (_api.HasExited)
            {
                throw new InvalidOperationException("The Api exited at start:\n" + Output);
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    // A new user; a client that sends its token.
    public async Task<(HttpClient Client, AuthResult User)> CreateUserAsync()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var response = await client.PostAsJsonAsync("/auth/register", new { name = "Socket User", email, password = "password123" });
        response.EnsureSuccessStatusCode();
        var user = (await response.Content.ReadFromJsonAsync<AuthResult>(ApiFactory.Json))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return (client, user);
    }

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}

// One Api process for the client and browser tests; the restart test has its own.
[CollectionDefinition(Name)]
public sealed class SocketIOApiCollection : ICollectionFixture<SocketIOApi>
{
    public const string Name = "Socket.IO Api";
}
