using ContentPlatform.Api.Auth;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ContentPlatform.Api.Extensions;

// The Api's cross-cutting HTTP behaviour: JSON shape, errors, body size, CORS, authentication, rate limits, docs.
public static class HttpSetup
{
    public static void AddHttpSetup(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new IsoTimestampConverter()));
        // Binding failures of the framework's own (typed parameters) reach ApiExceptionHandler as a JSON 400.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // UseExceptionHandler() needs a fallback writer; ApiExceptionHandler answers first.
        builder.Services.AddProblemDetails();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                }
                await ErrorMessage.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests", ErrorMessage.TooManyRequests);
            };
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddRequestBudget();
        builder.AddFrontendCors();
        builder.AddContentApiCors();
        builder.AddJwtAuthentication();
        builder.AddCallerRateLimits();
        builder.AddApiDocs();
    }

    public static void UseHttpSetup(this WebApplication app)
    {
        // First, so that everything after it (rate limits included) sees the real client of a configured proxy.
        app.UseForwardedHeaders();
        app.UseCors(CorsSetup.PolicyName);
        app.UseExceptionHandler();
        // Before authentication: the user check reads the database and belongs to the request's budget.
        app.UseRequestTimeouts();
        app.UseRequestBodyLimit();
        app.UseRequestTextCheck();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
    }
}
