namespace ContentPlatform.Data.Entities;

// Who a record belongs to: a signed-in user or, for anonymous visitors, their x-session-id. Exactly one is set.
public readonly record struct ContentOwner
{
    private ContentOwner(Guid? userId, string? sessionId)
    {
        UserId = userId;
        SessionId = sessionId;
    }

    public Guid? UserId { get; }
    public string? SessionId { get; }

    public static ContentOwner User(Guid userId) => new(userId, null);

    public static ContentOwner Session(string sessionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        if (sessionId.Length > Limits.SessionId)
        {
            throw new ArgumentException($"A session id has at most {Limits.SessionId} characters.", nameof(sessionId));
        }
        return new(null, sessionId);
    }
}
