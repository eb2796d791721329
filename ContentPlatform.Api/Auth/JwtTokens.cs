using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ContentPlatform.Api.Auth;

// The documents' token: HS256, payload { id, iat, exp } valid for 30 days, plus iss and aud (Jwt:Issuer,
// Jwt:Audience), which are validated with the signature, the algorithm and the lifetime (no clock skew).
public sealed class JwtTokens(JwtSigningKey signingKey, JwtAudience audience, TimeProvider time)
{
    public const string UserIdClaim = "id";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    public TokenValidationParameters ValidationParameters { get; } = new()
    {
        ValidateIssuer = true,
        ValidIssuer = audience.Issuer,
        ValidateAudience = true,
        ValidAudience = audience.Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = signingKey.Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.Zero,
        NameClaimType = UserIdClaim,
    };

    public string Issue(Guid userId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { [UserIdClaim] = userId.ToString() },
            IssuedAt = now,
            Expires = now + Lifetime,
            Issuer = audience.Issuer,
            Audience = audience.Audience,
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });
    }

    // For connections that carry the token outside an Authorization header (e.g. a Socket.IO handshake):
    // the user id of a valid token, otherwise null.
    public async Task<Guid?> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }
        var result = await Handler.ValidateTokenAsync(token, ValidationParameters);
        return result.IsValid ? new ClaimsPrincipal(result.ClaimsIdentity).TryGetUserId() : null;
    }
}

public sealed record JwtSigningKey(SymmetricSecurityKey Key, bool IsEphemeral);

// Who issues the tokens and for whom; a token of another deployment sharing the key is still refused.
public sealed record JwtAudience(string Issuer, string Audience)
{
    public const string DefaultIssuer = "contentplatform-api";
    public const string DefaultAudience = "contentplatform";
}
