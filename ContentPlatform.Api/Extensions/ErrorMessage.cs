namespace ContentPlatform.Api.Extensions;

// The documents' error body: { "message": "..." }.
public sealed record ErrorMessage(string Message)
{
    public const string ServerError = "Server error";
    public const string BodyTooLarge = "Request body too large";
    public const string InvalidRequest = "Invalid request";
    public const string TooManyRequests = "Too many requests, please try again later";
}
