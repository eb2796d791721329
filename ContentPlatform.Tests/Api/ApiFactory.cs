using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ContentPlatform.Tests.Api;

// The real Api on a database of its own in the shared test PostgreSQL and Redis; one per test class.
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string JwtKey = "test-signing-key-of-at-least-32-bytes-for-hs256";

    protected virtual int LoginPermitLimit => 1000;
    protected virtual int RegisterPermitLimit => 100_000;
    protected virtual int JobsPermitLimit => 100_000;

    public string Database { get; protected set; } = "";
    public string Redis { get; protected set; } = "";
    // Jobs of this Api (and of any Worker a test starts for it) stay apart from other test classes' jobs.
    public string JobsKeyPrefix { get; } = $"test-{Guid.NewGuid():N}:";

    public virtual async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        Database = await servers.CreateDatabaseAsync("api");
        Redis = servers.Redis.ConnectionString;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:contentdb", Database);
        builder.UseSetting("ConnectionStrings:redis", Redis);
        builder.UseSetting("Jwt:Key", JwtKey);
        builder.UseSetting("RateLimiting:Login:PermitLimit", LoginPermitLimit.ToString());
        builder.UseSetting("RateLimiting:Register:PermitLimit", RegisterPermitLimit.ToString());
        builder.UseSetting("RateLimiting:Jobs:PermitLimit", JobsPermitLimit.ToString());
        builder.UseSetting("Jobs:KeyPrefix", JobsKeyPrefix);
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    // A new user with a unique email; returns a client that sends its token.
    public async Task<(HttpClient Client, AuthResult User)> CreateUserAsync(string name = "Test User")
    {
        var anonymous = CreateClient();
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var response = await anonymous.PostAsJsonAsync("/auth/register", new { name, email, password = "password123" });
        response.EnsureSuccessStatusCode();
        var user = (await response.Content.ReadFromJsonAsync<AuthResult>(Json))!;
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return (client, user);
    }

    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
}

public sealed record AuthResult(
    [property: System.Text.Json.Serialization.JsonPropertyName("_id")] string Id, string Name, string Email, string Token);
