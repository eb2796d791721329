using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Generation.Images;

public static class ImagesExtensions
{
    // Needs ContentDbContext registered (AddContentDatabase). A model-backed IImageGenerator registered
    // before this call wins over the offline one.
    public static IHostApplicationBuilder AddImageGeneration(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddScoped<ImageStore>();
        builder.Services.TryAddScoped<IImageGenerator, OfflineImageGenerator>();
        return builder;
    }
}
