using ContentPlatform.Api.Extensions;
using ContentPlatform.Data;
using ContentPlatform.Generation.Images;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace ContentPlatform.Api.Images;

// Generated images (audience pictures): public, and never changed once stored, so cacheable forever.
public static class ImagesApi
{
    public static IEndpointRouteBuilder MapImagesApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ImageUrls.RoutePrefix).WithTags("Images");
        api.MapGet("/{id:guid}.png", GetImage)
            .WithName("getImage")
            .WithSummary("Get a generated image")
            .WithDescription("A generated image (an audience's `image_url`), public and immutable: cacheable forever, with an `ETag` "
                + "and `Last-Modified` for conditional requests.")
            .Answers<RouteHandlerBuilder, byte[]>(StatusCodes.Status200OK, "The PNG image.", "image/png")
            .Produces(StatusCodes.Status304NotModified)
            .Produces(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetImage(
        Guid id, ContentDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var image = await db.Images.AsNoTracking()
            .Where(i => i.Id == id)
            .Select(i => new { i.Bytes, i.ContentType, i.Sha256, i.CreatedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (image is null)
        {
            return TypedResults.NotFound();
        }
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.File(
            image.Bytes,
            image.ContentType,
            lastModified: new DateTimeOffset(image.CreatedAt, TimeSpan.Zero),
            entityTag: new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(image.Sha256)}\""));
    }
}
