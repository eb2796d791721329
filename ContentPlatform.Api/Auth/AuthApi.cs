using System.Net.Mail;
using System.Security.Claims;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ContentPlatform.Api.Auth;

public static class AuthApi
{
    // Verified when the email is unknown, so a miss costs as much as a wrong password.
    private static readonly Lazy<string> UnknownUserHash = new(() =>
        new PasswordHasher<User>().HashPassword(null!, Guid.NewGuid().ToString()));

    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/register", Register).Accepts<RegisterRequest>("application/json").RequireRateLimiting(RateLimits.Register)
            .WithName("registerUser")
            .WithSummary("Register user")
            .WithDescription("Creates a new user account and returns authentication credentials: the user and a JWT (valid for 30 days) "
                + "to send as `Authorization: Bearer <token>`.")
            .WithRequestExample(new { name = "John Doe", email = "john@example.com", password = "securePassword123" })
            .AnswersMessage(StatusCodes.Status400BadRequest,
                $"Missing required fields (\"{AuthMessages.MissingFields}\"), a field too long, an invalid email (\"{AuthMessages.InvalidEmail}\") "
                + $"or an email already registered (\"{AuthMessages.UserExists}\").")
            .AnswersMessage(StatusCodes.Status429TooManyRequests, TooManyRequests);
        auth.MapPost("/login", Login).Accepts<LoginRequest>("application/json").RequireRateLimiting(AuthSetup.LoginRateLimitPolicy)
            .WithName("loginUser")
            .WithSummary("Login user")
            .WithDescription("Authenticates user credentials and returns a JWT token (valid for 30 days) with the user.")
            .WithRequestExample(new { email = "john@example.com", password = "securePassword123" })
            .AnswersMessage(StatusCodes.Status400BadRequest, $"Missing email or password: \"{AuthMessages.MissingFields}\".")
            .AnswersMessage(StatusCodes.Status401Unauthorized, $"Invalid email or password: \"{AuthMessages.InvalidCredentials}\".")
            .AnswersMessage(StatusCodes.Status429TooManyRequests, TooManyRequests);
        auth.MapGet("/me", Me).RequireAuthorization()
            .WithName("getCurrentUser")
            .WithSummary("Get current user")
            .WithDescription("Retrieves the authenticated user's profile information.")
            .AnswersMessage(StatusCodes.Status401Unauthorized, OpenApiMetadata.NotSignedIn);
        return auth;
    }

    private static async Task<Results<Created<AuthResponse>, BadRequest<ErrorMessage>>> Register(
        JsonBody body, ContentDbContext db, IPasswordHasher<User> hasher, JwtTokens tokens, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = body.GetString("name")?.Trim();
        var email = body.GetString("email")?.Trim();
        var password = body.GetString("password");
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password))
        {
            return BadRequest(AuthMessages.MissingFields);
        }
        if (name.Length > Limits.Name || email.Length > Limits.Email || password.Length > Limits.Password)
        {
            return BadRequest($"Name, email and password must have at most {Limits.Name}, {Limits.Email} and {Limits.Password} characters");
        }
        if (!IsEmail(email))
        {
            return BadRequest(AuthMessages.InvalidEmail);
        }

        var normalizedEmail = email.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalizedEmail, cancellationToken))
        {
            return BadRequest(AuthMessages.UserExists);
        }

        var now = time.UtcNowMilliseconds();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Email = email,
            NormalizedEmail = normalizedEmail,
            PasswordHash = "",
            CreatedAt = now,
            UpdatedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another registration with the same email won the race.
            return BadRequest(AuthMessages.UserExists);
        }

        return TypedResults.Created("/auth/me", new AuthResponse(user.Id, user.Name, user.Email, tokens.Issue(user.Id)));
    }

    private static async Task<Results<Ok<AuthResponse>, BadRequest<ErrorMessage>, JsonHttpResult<ErrorMessage>>> Login(
        JsonBody body, ContentDbContext db, IPasswordHasher<User> hasher, JwtTokens tokens, CancellationToken cancellationToken)
    {
        var email = body.GetString("email")?.Trim();
        var password = body.GetString("password");
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password))
        {
            return BadRequest(AuthMessages.MissingFields);
        }

        var normalizedEmail = email.ToLowerInvariant();
        var user = email.Length <= Limits.Email && password.Length <= Limits.Password
            ? await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, cancellationToken)
            : null;
        var verification = hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? UnknownUserHash.Value, password);
        if (user is null || verification == PasswordVerificationResult.Failed)
        {
            return TypedResults.Json(new ErrorMessage(AuthMessages.InvalidCredentials), statusCode: StatusCodes.Status401Unauthorized);
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Ok(new AuthResponse(user.Id, user.Name, user.Email, tokens.Issue(user.Id)));
    }

    private static async Task<Results<Ok<CurrentUserResponse>, JsonHttpResult<ErrorMessage>>> Me(
        ClaimsPrincipal principal, ContentDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new CurrentUserResponse(u.Id, u.Name, u.Email, u.Status, 0))
            .FirstOrDefaultAsync(cancellationToken);
        return user is null
            ? TypedResults.Json(new ErrorMessage(AuthMessages.UserNotFound), statusCode: StatusCodes.Status401Unauthorized)
            : TypedResults.Ok(user);
    }

    private const string TooManyRequests = "Too many attempts from this client address; the `Retry-After` header says when to try again.";

    private static BadRequest<ErrorMessage> BadRequest(string message) => TypedResults.BadRequest(new ErrorMessage(message));

    private static bool IsEmail(string email) =>
        MailAddress.TryCreate(email, out var address) && address.Address == email && address.Host.Contains('.');
}
