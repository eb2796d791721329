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

    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and <= MaxBytes ? (int)request.ContentLength.Value : 4096);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBytes)
            {
                throw new BadHttpRequestException(ErrorMessage.BodyTooLarge, StatusCodes.Status413PayloadTooLarge);
            }
        }
    }
}
