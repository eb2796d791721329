using Microsoft.AspNetCore.Identity;
using ContentPlatform.Data.Entities;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContentPlatform.Api.Auth;
using ContentPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ContentPlatform.Tests.Api;

public sealed class AuthApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static string NewEmail() => $"john-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task Register_returns_201_with_id_name_email_and_a_token_that_works_for_me()
    {
        var client = factory.CreateClient();
        var email = NewEmail();

        var response = await client.PostAsJsonAsync("/auth/register", new { name = "John Doe", email, password = "securePassword123" });

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(["_id", "name", "email", "token"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("John Doe", body.GetProperty("name").GetString());
        Assert.Equal(email, body.GetProperty("email").GetString());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        var me = await HttpAssert.JsonAsync(await client.GetAsync("/auth/me"), HttpStatusCode.OK);
        Assert.Equal(["_id", "name", "email", "status", "__v"], me.EnumerateObject().Select(p => p.Name));
        Assert.Equal(body.GetProperty("_id").GetString(), me.GetProperty("_id").GetString());
        Assert.Equal("active", me.GetProperty("status").GetString());
        Assert.Equal(0, me.GetProperty("__v").GetInt32());
    }

    [Fact]
    public async Task Token_payload_is_the_documents_id_iat_exp_plus_issuer_and_audience_valid_for_30_days_and_signed_hs256()
    {
        var (_, user) = await factory.CreateUserAsync();

        var token = new JsonWebToken(user.Token);

        Assert.Equal("HS256", token.Alg);
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(user.Token.Split('.')[1])).RootElement;
        Assert.Equal(["aud", "exp", "iat", "id", "iss"], payload.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("contentplatform-api", payload.GetProperty("iss").GetString());
        Assert.Equal("contentplatform", payload.GetProperty("aud").GetString());
        Assert.Equal(user.Id, payload.GetProperty("id").GetString());
        Assert.Equal(30 * 24 * 3600, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task Register_with_an_existing_email_in_another_case_is_refused()
    {
        var client = factory.CreateClient();
        var email = NewEmail();
        (await client.PostAsJsonAsync("/auth/register", new { name = "A", email, password = "p" })).EnsureSuccessStatusCode();

        var response = await client.PostAsJsonAsync("/auth/register", new { name = "B", email = email.ToUpperInvariant(), password = "q" });

        await HttpAssert.MessageAsync(response, HttpStatusCode.BadRequest, "User already exists");
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_email_create_one_user_and_answer_400_to_the_rest()
    {
        var client = factory.CreateClient();
        var email = NewEmail();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PostAsJsonAsync("/auth/register", new { name = $"User {i}", email, password = "password" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await HttpAssert.MessageAsync(refused, HttpStatusCode.BadRequest, "User already exists");
        }
    }

    [Theory]
    [InlineData("""{"email":"a@example.com","password":"p"}""")]
    [InlineData("""{"name":"","email":"a@example.com","password":"p"}""")]
    [InlineData("""{"name":"A","email":"a@example.com"}""")]
    [InlineData("""{"name":"A","email":42,"password":"p"}""")]
    [InlineData("""{"name":["A"],"email":"a@example.com","password":"p"}""")]
    [InlineData("""[{"name":"A","email":"a@example.com","password":"p"}]""")]
    [InlineData("""{"name":"A","email":"a@example.com","password":"p" """)]
    [InlineData("")]
    [InlineData("null")]
    public async Task Register_with_missing_or_malformed_fields_answers_please_provide_all_fields(string body)
    {
        var response = await factory.CreateClient().PostAsync("/auth/register", new StringContent(body, Encoding.UTF8, "application/json"));

        await HttpAssert.MessageAsync(response, HttpStatusCode.BadRequest, "Please provide all fields");
    }

    [Fact]
    public async Task Register_with_an_invalid_email_is_refused()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/auth/register", new { name = "A", email = "not-an-email", password = "p" });

        await HttpAssert.MessageAsync(response, HttpStatusCode.BadRequest, "Please provide a valid email");
    }

    [Fact]
    public async Task Register_with_an_overlong_name_is_refused_and_nothing_is_written()
    {
        var email = NewEmail();
        var response = await factory.CreateClient().PostAsJsonAsync("/auth/register",
            new { name = new string('n', Limits.Name + 1), email, password = "p" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == email));
    }

    [Fact]
    public async Task Login_with_the_right_password_in_any_email_case_returns_200_and_a_token()
    {
        var client = factory.CreateClient();
        var email = NewEmail();
        (await client.PostAsJsonAsync("/auth/register", new { name = "John", email, password = "securePassword123" })).EnsureSuccessStatusCode();

        var response = await client.PostAsJsonAsync("/auth/login", new { email = email.ToUpperInvariant(), password = "securePassword123" });

        var body = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["_id", "name", "email", "token"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
    }

    [Fact]
    public async Task Login_with_a_wrong_password_or_unknown_email_answers_invalid_credentials()
    {
        var client = factory.CreateClient();
        var email = NewEmail();
        (await client.PostAsJsonAsync("/auth/register", new { name = "John", email, password = "right" })).EnsureSuccessStatusCode();

        await HttpAssert.MessageAsync(await client.PostAsJsonAsync("/auth/login", new { email, password = "wrong" }),
            HttpStatusCode.Unauthorized, "Invalid credentials");
        await HttpAssert.MessageAsync(await client.PostAsJsonAsync("/auth/login", new { email = NewEmail(), password = "right" }),
            HttpStatusCode.Unauthorized, "Invalid credentials");
    }

    [Theory]
    [InlineData("""{"email":"a@example.com"}""")]
    [InlineData("""{"email":"a@example.com","password":123}""")]
    [InlineData("not json")]
    [InlineData("[]")]
    public async Task Login_with_missing_or_malformed_fields_answers_400(string body)
    {
        var response = await factory.CreateClient().PostAsync("/auth/login", new StringContent(body, Encoding.UTF8, "application/json"));

        await HttpAssert.MessageAsync(response, HttpStatusCode.BadRequest, "Please provide all fields");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Me_without_a_bearer_token_answers_no_token(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/auth/me");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await factory.CreateClient().SendAsync(request);

        await HttpAssert.MessageAsync(response, HttpStatusCode.Unauthorized, "Not authorized, no token");
    }

    [Fact]
    public async Task Me_with_an_empty_bearer_token_answers_no_token()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/auth/me");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer ");

        await HttpAssert.MessageAsync(await factory.CreateClient().SendAsync(request), HttpStatusCode.Unauthorized, "Not authorized, no token");
    }

    [Fact]
    public async Task A_token_signed_like_ours_with_the_default_issuer_and_audience_is_accepted()
    {
        var (_, user) = await factory.CreateUserAsync();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", Sign(ApiFactory.JwtKey, user.Id, DateTime.UtcNow, DateTime.UtcNow.AddMinutes(5)));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Tampered_unsigned_expired_foreign_and_other_issuer_audience_or_algorithm_tokens_answer_not_authorized()
    {
        var (_, user) = await factory.CreateUserAsync();
        var parts = user.Token.Split('.');
        var otherId = Guid.NewGuid().ToString();
        var tamperedPayload = Base64UrlEncoder.Encode($$"""{"id":"{{otherId}}","iat":1736668800,"exp":4102444800}""");
        var unsignedHeader = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var userPayload = parts[1];

        string[] tokens =
        [
            $"{parts[0]}.{tamperedPayload}.{parts[2]}",
            $"{unsignedHeader}.{userPayload}.",
            $"{unsignedHeader}.{userPayload}",
            Sign(ApiFactory.JwtKey, user.Id, DateTime.UtcNow.AddDays(-31), DateTime.UtcNow.AddSeconds(-5)),
            Sign("another-key-that-is-also-at-least-32-bytes-long", user.Id, DateTime.UtcNow, DateTime.UtcNow.AddDays(1)),
            Sign(ApiFactory.JwtKey, user.Id, DateTime.UtcNow, DateTime.UtcNow.AddDays(1), issuer: "someone-else"),
            Sign(ApiFactory.JwtKey, user.Id, DateTime.UtcNow, DateTime.UtcNow.AddDays(1), audience: "another-app"),
            Sign(ApiFactory.JwtKey, user.Id, DateTime.UtcNow, DateTime.UtcNow.AddDays(1), issuer: null, audience: null),
            SignHs512(ApiFactory.JwtKey, userPayload),
            Sign(ApiFactory.JwtKey, user.Id, DateTime.UtcNow.AddDays(-30), DateTime.UtcNow.AddSeconds(-1)),
            "not-a-jwt",
        ];
        foreach (var token in tokens)
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await HttpAssert.MessageAsync(await client.GetAsync("/auth/me"), HttpStatusCode.Unauthorized, "Not authorized");
        }
    }

    [Fact]
    public async Task A_valid_token_of_a_user_who_no_longer_exists_answers_user_not_found()
    {
        var (client, user) = await factory.CreateUserAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            await db.Users.Where(u => u.Id == Guid.Parse(user.Id)).ExecuteDeleteAsync();
        }

        await HttpAssert.MessageAsync(await client.GetAsync("/auth/me"), HttpStatusCode.Unauthorized, "User not found");
        await HttpAssert.MessageAsync(await client.GetAsync("/content"), HttpStatusCode.Unauthorized, "User not found");
    }

    // The Api remembers that a user exists for KnownUsers.Lifetime; a deleted user is refused once that has passed.
    [Fact]
    public async Task A_signed_in_user_who_is_deleted_is_refused_within_the_documented_time()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var api = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var anonymous = api.CreateClient();
        var registered = await HttpAssert.JsonAsync(
            await anonymous.PostAsJsonAsync("/auth/register", new { name = "Leaving", email = NewEmail(), password = "password123" }), HttpStatusCode.Created);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", registered.GetProperty("token").GetString());
        await HttpAssert.JsonAsync(await client.GetAsync("/generate-content"), HttpStatusCode.OK);

        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            await db.Users.Where(u => u.Id == Guid.Parse(registered.GetProperty("_id").GetString()!)).ExecuteDeleteAsync();
        }
        // Still remembered: the database is not asked on every request.
        await HttpAssert.JsonAsync(await client.GetAsync("/generate-content"), HttpStatusCode.OK);

        clock.Advance(KnownUsers.Lifetime);
        await HttpAssert.MessageAsync(await client.GetAsync("/generate-content"), HttpStatusCode.Unauthorized, "User not found");
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    [Fact]
    public async Task Passwords_are_stored_as_salted_hashes_that_verify_only_the_right_password()
    {
        var (_, first) = await factory.CreateUserAsync();
        var (_, second) = await factory.CreateUserAsync();

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        var stored = await db.Users.SingleAsync(u => u.Id == Guid.Parse(first.Id));
        var other = await db.Users.SingleAsync(u => u.Id == Guid.Parse(second.Id));
        Assert.DoesNotContain("password123", stored.PasswordHash);
        // Same password, different salt.
        Assert.NotEqual(stored.PasswordHash, other.PasswordHash);
        Assert.NotEqual(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(stored, stored.PasswordHash, "password123"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(stored, stored.PasswordHash, "password124"));
    }

    internal static string Sign(
        string key, string userId, DateTime issuedAt, DateTime expires,
        string? issuer = "contentplatform-api", string? audience = "contentplatform") =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["id"] = userId },
            IssuedAt = issuedAt,
            Expires = expires,
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });

    // Our payload and key under another HMAC algorithm (the library refuses HS512 with a key this short, so by hand).
    private static string SignHs512(string key, string payload)
    {
        var signed = $"{Base64UrlEncoder.Encode("{\"alg\":\"HS512\",\"typ\":\"JWT\"}")}.{payload}";
        var signature = System.Security.Cryptography.HMACSHA512.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(signed));
        return $"{signed}.{Base64UrlEncoder.Encode(signature)}";
    }
}
