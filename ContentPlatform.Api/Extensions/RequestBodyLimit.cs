using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace ContentPlatform.Api.Extensions;

// Bodies are capped at about 1 MB. Kestrel enforces the cap through IHttpMaxRequestBodySizeFeature;
// a declared Content-Length over it is refused before the endpoint runs, and ReadAsync enforces it
// for chunked bodies on servers without the feature (the test server).
public static class RequestBodyLimit
{
    public const long MaxBytes = 1024 * 1024;

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxBytes;
            }
            if (context.Request.ContentLength > MaxBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.Response.WriteAsJsonAsync(new ErrorMessage(ErrorMessage.BodyTooLarge), context.RequestAborted);
                return;
            }
            await next(context);
        });

    // The whole body in one array of its own size (the body reader keeps what has arrived until the body is complete),
    // not a buffer grown for reads of 4 KB: a small JSON body is one small array per request.
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var body = result.Buffer;
            if (body.Length > MaxBytes)
            {
                reader.AdvanceTo(body.End);
                throw new BadHttpRequestException(ErrorMessage.BodyTooLarge, StatusCodes.Status413PayloadTooLarge);
            }
            if (result.IsCompleted)
            {
                var bytes = body.ToArray();
                reader.AdvanceTo(body.End);
                return bytes;
            }
            reader.AdvanceTo(body.Start, body.End);
        }
    }
}
