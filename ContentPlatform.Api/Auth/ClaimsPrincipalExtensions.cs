using System.Security.Claims;

namespace ContentPlatform.Api.Auth;

public static class ClaimsPrincipalExtensions
{
    // The signed-in user's id; only for endpoints that require authorization.
    public static Guid GetUserId(this ClaimsPrincipal principal) =>
        principal.TryGetUserId() ?? throw new InvalidOperationException("The request has no authenticated user.");

    public static Guid? TryGetUserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirst(JwtTokens.UserIdClaim)?.Value, out var id) ? id : null;
}
