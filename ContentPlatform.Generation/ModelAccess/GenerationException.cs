using ContentPlatform.Generation.WebsiteAnalysis;

namespace ContentPlatform.Generation.ModelAccess;

// A failed model call, with a message fit to show a user or store on a failed job; job handlers treat it like
// any GenerationFailedException. The cause (with its stack trace) stays in InnerException, for logs only.
public sealed class GenerationException(string message, string errorCode, Exception? innerException = null)
    : GenerationFailedException(message, errorCode, innerException)
{
    public static readonly (string Message, string Code) Unavailable = ("AI service temporarily unavailable", "AI_UNAVAILABLE");
    public static readonly (string Message, string Code) RateLimited = ("AI service rate limit exceeded", "AI_RATE_LIMITED");
    public static readonly (string Message, string Code) TimedOut = ("AI service timed out", "AI_TIMEOUT");
    public static readonly (string Message, string Code) Unauthorized = ("AI service rejected the configured credentials", "AI_UNAUTHORIZED");
    public static readonly (string Message, string Code) Rejected = ("AI service rejected the request", "AI_REJECTED");
    public static readonly (string Message, string Code) EmptyAnswer = ("AI service returned an empty answer", "AI_EMPTY_ANSWER");

    public GenerationException((string Message, string Code) error, Exception? innerException = null)
        : this(error.Message, error.Code, innerException)
    {
    }
}
