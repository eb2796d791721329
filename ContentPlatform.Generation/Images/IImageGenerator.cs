namespace ContentPlatform.Generation.Images;

// The one way generation code makes pictures. Implementations store what they make and return where the Api serves it.
public interface IImageGenerator
{
    Task<GeneratedImage> GenerateAsync(string prompt, CancellationToken cancellationToken = default);
}

// Url is relative to the Api's origin: /api/v1/images/{id}.png.
public sealed record GeneratedImage(Guid Id, string Url);

public static class ImageUrls
{
    public const string RoutePrefix = "/api/v1/images";

    public static string For(Guid id) => $"{RoutePrefix}/{id}.png";
}
