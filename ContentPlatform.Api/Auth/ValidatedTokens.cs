using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ContentPlatform.Api.Auth;

// Every authenticated request validates its token, and a polling client sends the same token many times a second.
// A token found valid is remembered by its exact text until it expires, for at most Lifetime: within that time its
// signature, algorithm, issuer and audience are not checked again (nothing about them can change while the process
// runs with one key and one set of parameters). Its expiry still is, on every request, and a token not found valid
// is validated every time. At most Capacity tokens are remembered; past that the memory starts afresh.
// The user-exists check (KnownUsers) runs on every request regardless.
public sealed class ValidatedTokens : JsonWebTokenHandler
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, DateTime Until)> _valid = new(StringComparer.Ordinal);

    public ValidatedTokens() => MapInboundClaims = false;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        // The clock of the lifetime check itself (IdentityModel's), so a remembered token is refused when it would be.
        var now = DateTime.UtcNow;
        if (_valid.TryGetValue(token, out var remembered) && now < remembered.Until)
        {
            return Copy(remembered.Result);
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid)
        {
            return result;
        }
        if (_valid.Count >= Capacity)
        {
            _valid.Clear();
        }
        var expires = result.SecurityToken.ValidTo;
        _valid[token] = (Copy(result), expires < now + Lifetime ? expires : now + Lifetime);
        return result;
    }

    // Each request gets an identity of its own: whatever a request adds to its principal stays in that request.
    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        SecurityToken = result.SecurityToken,
        Issuer = result.Issuer,
        TokenType = result.TokenType,
    };
}
