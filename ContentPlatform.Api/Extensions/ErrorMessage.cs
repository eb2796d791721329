using ContentPlatform.Api.Jobs;

namespace ContentPlatform.Api.Extensions;

// The documents' error body: { "message": "..." }.
public sealed record ErrorMessage(string Message)
{
    public const string ServerError = "Server error";
    public const string BodyTooLarge = "Request body too large";
    public const string InvalidRequest = "Invalid request";
    public const string TooManyRequests = "Too many requests, please try again later";

    // For answers written outside an endpoint (middleware, exception handler): the /api endpoints' shape
    // ({ success, error, message }) under /api, the documents' { message } elsewhere.
    public static Task WriteAsync(HttpContext context, int status, string error, string message) =>
        WriteAsync(context, status, error, message, context.RequestAborted);

    public static Task WriteAsync(HttpContext context, int status, string error, string message, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        return context.Request.Path.StartsWithSegments("/api")
            ? context.Response.WriteAsJsonAsync(ApiFailure.Of(error, message), cancellationToken)
            : context.Response.WriteAsJsonAsync(new ErrorMessage(message), cancellationToken);
    }
}
