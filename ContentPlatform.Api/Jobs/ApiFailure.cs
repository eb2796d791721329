namespace ContentPlatform.Api.Jobs;

// The error body of the /api/v1 endpoints, as document 000 writes it: { "success": false, "error", "message" }.
// It keeps "message", so clients written for { "message" } read it too.
public sealed record ApiFailure(bool Success, string Error, string Message)
{
    public const string Unauthorized = "Unauthorized";
    public const string InvalidRequest = "Invalid request";
    public const string ServiceUnavailable = "Service unavailable";
    public const string QueueUnavailableMessage = "Job queue is temporarily unavailable, please try again later";

    public static ApiFailure Of(string error, string message) => new(false, error, message);

    public static IResult Result(int status, string error, string message) => TypedResults.Json(Of(error, message), statusCode: status);

    public static IResult BadRequest(string message) => Result(StatusCodes.Status400BadRequest, InvalidRequest, message);

    public static IResult QueueUnavailable() =>
        Result(StatusCodes.Status503ServiceUnavailable, ServiceUnavailable, QueueUnavailableMessage);

    public static IResult NoCaller(HttpContext http, string whenNothingSent) =>
        Result(StatusCodes.Status401Unauthorized, Unauthorized, Caller.UnauthorizedMessage(http, whenNothingSent));
}
