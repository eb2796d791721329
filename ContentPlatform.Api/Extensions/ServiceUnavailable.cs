using ContentPlatform.Api.Jobs;
using ContentPlatform.Jobs;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using StackExchange.Redis;

namespace ContentPlatform.Api.Extensions;

// PostgreSQL or Redis stalled or unreachable: every such failure answers 503 in the endpoint family's error shape,
// never 500, and a request/response endpoint gives up when its budget (ServiceTimeouts.Request) is spent.
public static class ServiceUnavailable
{
    public const string BudgetPolicy = "request-budget";
    public const string Message = "Service temporarily unavailable, please try again later";

    public static void AddRequestBudget(this IHostApplicationBuilder builder)
    {
        var budget = ServiceTimeouts.From(builder.Configuration).Request;
        builder.Services.AddRequestTimeouts(options => options.AddPolicy(BudgetPolicy, new RequestTimeoutPolicy
        {
            Timeout = budget,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = WriteAsync,
        }));
    }

    // Put on the endpoints that answer from the database or the queue, not on streams.
    public static TBuilder WithRequestBudget<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithRequestTimeout(BudgetPolicy);
        return builder;
    }

    // Unavailability anywhere in the chain: EF Core and the job queue wrap the driver's exceptions.
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        JobQueueUnavailableException or RetryLimitExceededException => true,
        NpgsqlException npgsql when npgsql.IsTransient => true,
        RedisConnectionException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsUnavailable),
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    // The job endpoints' documents name this 503 and its message; other endpoints get the same shape rules as any error.
    // Not with RequestAborted: once the budget is spent that token is the budget's, already cancelled.
    public static Task WriteAsync(HttpContext context) =>
        ErrorMessage.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ApiFailure.ServiceUnavailable,
            IsJobEndpoint(context.Request.Path) ? ApiFailure.QueueUnavailableMessage : Message, CancellationToken.None);

    private static bool IsJobEndpoint(PathString path) =>
        path.StartsWithSegments("/api/v1/jobs") || path.StartsWithSegments("/generate-content");
}
