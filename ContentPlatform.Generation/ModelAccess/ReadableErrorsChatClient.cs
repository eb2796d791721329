using System.ClientModel;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ContentPlatform.Generation.ModelAccess;

// Outermost link of the pipeline: whatever the provider's SDK or the resilience handler throws
// becomes a GenerationException whose message can be shown to a user.
internal sealed class ReadableErrorsChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, cancellationToken) is { } readable)
        {
            throw readable;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await updates.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (Translate(ex, cancellationToken) is { } readable)
            {
                throw readable;
            }
            yield return updates.Current;
        }
    }

    // Null leaves the exception as it is: our own cancellation, or an already readable error.
    internal static GenerationException? Translate(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is GenerationException || (exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        var error = exception switch
        {
            ClientResultException { Status: > 0 } result => ForStatus(result.Status),
            HttpRequestException { StatusCode: { } status } => ForStatus((int)status),
            TimeoutRejectedException or TimeoutException or OperationCanceledException => GenerationException.TimedOut,
            BrokenCircuitException => GenerationException.Unavailable,
            _ when exception.InnerException is { } inner && Translate(inner, cancellationToken) is { } translated =>
                (translated.Message, translated.ErrorCode),
            _ => GenerationException.Unavailable,
        };
        return new GenerationException(error, exception);
    }

    private static (string Message, string Code) ForStatus(int status) => status switch
    {
        (int)HttpStatusCode.TooManyRequests => GenerationException.RateLimited,
        (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden => GenerationException.Unauthorized,
        >= 400 and < 500 and not (int)HttpStatusCode.RequestTimeout => GenerationException.Rejected,
        (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.GatewayTimeout => GenerationException.TimedOut,
        _ => GenerationException.Unavailable,
    };
}
