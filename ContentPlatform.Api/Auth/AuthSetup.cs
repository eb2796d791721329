using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace ContentPlatform.Api.Auth;

public static class AuthSetup
{
    public const string JwtKeySetting = "Jwt:Key";
    public const string JwtIssuerSetting = "Jwt:Issuer";
    public const string JwtAudienceSetting = "Jwt:Audience";
    public const string LoginRateLimitPolicy = "login";

    // HS256 needs a key of at least 256 bits.
    private const int MinimumKeyBytes = 32;

    public static void AddJwtAuthentication(this IHostApplicationBuilder builder)
    {
        var signingKey = ReadSigningKey(builder);
        builder.Services.AddSingleton(signingKey);
        builder.Services.AddSingleton(new JwtAudience(
            builder.Configuration[JwtIssuerSetting] is { Length: > 0 } issuer ? issuer : JwtAudience.DefaultIssuer,
            builder.Configuration[JwtAudienceSetting] is { Length: > 0 } audience ? audience : JwtAudience.DefaultAudience));
        builder.Services.AddSingleton<JwtTokens>();
        builder.Services.AddSingleton<KnownUsers>();
        builder.Services.AddSingleton<ValidatedTokens>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<JwtTokens, ValidatedTokens, ILoggerFactory>((options, tokens, validatedTokens, loggers) =>
            {
                if (signingKey.IsEphemeral)
                {
                    loggers.CreateLogger(typeof(AuthSetup)).LogWarning(
                        "{Setting} is not set: signing tokens with an ephemeral key, so tokens stop working when the process restarts", JwtKeySetting);
                }
                // Keep the claim names of the token ("id", "iat", "exp") instead of mapping them to WS-* URIs.
                options.MapInboundClaims = false;
                // Nothing reads the token back (GetTokenAsync): storing it in every request's AuthenticationProperties
                // was strings and a dictionary per request for nothing.
                options.SaveToken = false;
                options.TokenValidationParameters = tokens.ValidationParameters;
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(validatedTokens);
                options.Events = Events;
            })
            .ValidateOnStart();
        builder.Services.AddAuthorization();

        var login = builder.Configuration.GetSection("RateLimiting:Login");
        var permitLimit = login.GetValue("PermitLimit", 10);
        var window = TimeSpan.FromSeconds(login.GetValue("WindowSeconds", 60));
        // Per client address, so an attacker is slowed down without locking the victim's account.
        builder.Services.AddRateLimiter(options => options.AddPolicy(LoginRateLimitPolicy, context =>
            RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permitLimit, Window = window, QueueLimit = 0 })));
    }

    private static JwtSigningKey ReadSigningKey(IHostApplicationBuilder builder)
    {
        if (builder.Configuration[JwtKeySetting] is { Length: > 0 } configured)
        {
            var bytes = Encoding.UTF8.GetBytes(configured);
            return bytes.Length >= MinimumKeyBytes
                ? new JwtSigningKey(new SymmetricSecurityKey(bytes), IsEphemeral: false)
                : throw new InvalidOperationException($"{JwtKeySetting} must be at least {MinimumKeyBytes} bytes long.");
        }
        if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"{JwtKeySetting} is not set. Start the system through ContentPlatform.AppHost, or set the environment variable Jwt__Key.");
        }
        return new JwtSigningKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64)), IsEphemeral: true);
    }

    // Every protected endpoint answers 401 with the documents' messages.
    private static readonly JwtBearerEvents Events = new()
    {
        OnMessageReceived = context =>
        {
            if (!context.Request.Headers.ContainsKey("Authorization")
                && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<TokenFromQueryMetadata>() is not null
                && context.Request.Query[TokenFromQueryMetadata.QueryName] is [{ Length: > 0 } token])
            {
                context.Token = token;
            }
            return Task.CompletedTask;
        },
        // A valid token of a user who no longer exists is refused, as the documents' "User not found" (within
        // KnownUsers.Lifetime of the deletion).
        OnTokenValidated = async context =>
        {
            var userId = context.Principal?.TryGetUserId();
            if (userId is null)
            {
                context.Fail(AuthMessages.NotAuthorized);
                return;
            }
            if (!await context.HttpContext.RequestServices.GetRequiredService<KnownUsers>().ExistsAsync(
                    userId.Value, context.HttpContext.RequestAborted))
            {
                context.Fail(AuthMessages.UserNotFound);
            }
        },
        OnChallenge = async context =>
        {
            context.HandleResponse();
            var message = context.AuthenticateFailure switch
            {
                null => AuthMessages.NoToken,
                { Message: AuthMessages.UserNotFound } => AuthMessages.UserNotFound,
                _ => AuthMessages.NotAuthorized,
            };
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new ErrorMessage(message), context.HttpContext.RequestAborted);
        },
    };
}
