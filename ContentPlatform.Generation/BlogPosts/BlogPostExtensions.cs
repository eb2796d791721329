using ContentPlatform.Generation.Images;
using ContentPlatform.Generation.ModelAccess;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Generation.BlogPosts;

public static class BlogPostExtensions
{
    // Registers BlogPostGenerator and what the content-generation job needs. Needs ContentDbContext; uses IChatClient
    // and IModelInfo like AddWebsiteAnalysis.
    public static IHostApplicationBuilder AddBlogPosts(this IHostApplicationBuilder builder)
    {
        builder.AddImageGeneration();
        builder.Services.TryAddSingleton<IModelInfo, ChatClientModelInfo>();
        builder.Services.TryAddSingleton<BlogPostGenerator>();
        return builder;
    }
}
