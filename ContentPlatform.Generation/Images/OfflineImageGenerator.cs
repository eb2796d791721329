namespace ContentPlatform.Generation.Images;

// Needs no network and no key: a picture drawn from the prompt's hash.
public sealed class OfflineImageGenerator(ImageStore store) : IImageGenerator
{
    public async Task<GeneratedImage> GenerateAsync(string prompt, CancellationToken cancellationToken = default)
    {
        var png = PngEncoder.EncodeRgb(PromptArt.Width, PromptArt.Height, PromptArt.RenderRgb(prompt));
        var id = await store.SaveAsync(png, "image/png", PromptArt.Width, PromptArt.Height, cancellationToken);
        return new GeneratedImage(id, ImageUrls.For(id));
    }
}
