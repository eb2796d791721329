namespace ContentPlatform.Generation.ModelAccess;

// A failure to generate, with a message fit to show a user or store on a failed job.
// The cause (with its stack trace) stays in InnerException, for logs only.
public sealed class GenerationException(string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public const string Unavailable = "AI service temporarily unavailable";
    public const string RateLimited = "AI service rate limit exceeded";
    public const string TimedOut = "AI service timed out";
    public const string Unauthorized = "AI service rejected the configured credentials";
    public const string Rejected = "AI service rejected the request";
    public const string EmptyAnswer = "AI service returned an empty answer";
    public const string MalformedOutput = "AI service returned malformed output";
}
