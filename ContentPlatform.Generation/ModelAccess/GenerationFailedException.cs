namespace ContentPlatform.Generation.ModelAccess;

// A failure the user should read: the job handler fails the job with Message as "error" and ErrorCode as "errorCode".
public class GenerationFailedException(string message, string errorCode, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string ErrorCode { get; } = errorCode;
}

public static class GenerationErrorCodes
{
    public const string InvalidUrl = "INVALID_URL";
    public const string RefusedAddress = "REFUSED_ADDRESS";
    public const string HttpError = "WEBSITE_HTTP_ERROR";
    public const string TooLarge = "WEBSITE_TOO_LARGE";
    public const string Timeout = "WEBSITE_TIMEOUT";
    public const string DnsFailure = "WEBSITE_DNS_FAILURE";
    public const string Unreachable = "WEBSITE_UNREACHABLE";
    public const string TooManyRedirects = "WEBSITE_TOO_MANY_REDIRECTS";
    public const string NotHtml = "WEBSITE_NOT_HTML";
    public const string EmptyPage = "WEBSITE_EMPTY";
    public const string InvalidModelOutput = "INVALID_MODEL_OUTPUT";
    public const string AudienceNotFound = "AUDIENCE_NOT_FOUND";
    public const string TopicGenerationFailed = "TOPIC_GENERATION_FAILED";
}
