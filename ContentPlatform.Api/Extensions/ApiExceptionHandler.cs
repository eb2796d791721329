using Microsoft.AspNetCore.Diagnostics;

namespace ContentPlatform.Api.Extensions;

// Whatever escapes an endpoint still answers in the documents' shape: a bad request with its status
// (413 for an oversized body, 400 otherwise), PostgreSQL or Redis unavailable as 503, anything else as
// 500 "Server error" without details.
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is UnstorableTextException && !context.Response.HasStarted)
        {
            logger.LogDebug("Bad request {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.Message);
            await RequestText.WriteRefusalAsync(context);
            return true;
        }
        if (ServiceUnavailable.IsUnavailable(exception))
        {
            logger.LogWarning("Request {Method} {Path} answered 503: {Reason}", context.Request.Method, context.Request.Path, exception.Message);
            if (context.Response.HasStarted)
            {
                return false;
            }
            await ServiceUnavailable.WriteAsync(context);
            return true;
        }
        var (status, message) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, ErrorMessage.BodyTooLarge),
            BadHttpRequestException bad => (bad.StatusCode, ErrorMessage.InvalidRequest),
            _ => (StatusCodes.Status500InternalServerError, ErrorMessage.ServerError),
        };

        if (status >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path);
        }
        else
        {
            logger.LogDebug("Bad request {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.Message);
        }

        if (context.Response.HasStarted)
        {
            return false;
        }
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ErrorMessage(message), cancellationToken);
        return true;
    }
}
