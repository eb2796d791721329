using ContentPlatform.Api.Auth;
using ContentPlatform.Data;
using ContentPlatform.Jobs;

namespace ContentPlatform.Api.Jobs;

// Who is asking, for the /api/v1 endpoints where a signed-in user (JWT) or an anonymous visitor (x-session-id) owns
// records. Both may be present: a user who started something anonymously still reaches it with the same session id.
public readonly record struct Caller(Guid? UserId, string? SessionId)
{
    public const string SessionHeader = "x-session-id";
    public const string SignInOrSession = "Sign in, or send an x-session-id header";

    public static Caller From(HttpContext http)
    {
        var session = http.Request.Headers[SessionHeader].ToString().Trim();
        return new Caller(http.User.TryGetUserId(), session.Length is > 0 and <= Limits.SessionId ? session : null);
    }

    public bool IsKnown => UserId is not null || SessionId is not null;

    // New records belong to the user when signed in, else to the session.
    public JobOwner Owner => UserId is { } userId ? JobOwner.User(userId) : JobOwner.Session(SessionId!);

    public bool Owns(Guid? userId, string? sessionId) =>
        (UserId is { } user && user == userId) || (SessionId is { } session && session == sessionId);

    // The 401 message: a token that was sent but refused reads differently from no credentials at all.
    public static string UnauthorizedMessage(HttpContext http, string whenNothingSent) =>
        http.Request.Headers.Authorization.Count > 0 || http.Request.Query.ContainsKey(TokenFromQueryMetadata.QueryName)
            ? AuthMessages.NotAuthorized
            : whenNothingSent;
}
