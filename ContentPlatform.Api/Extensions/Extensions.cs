using ContentPlatform.Api.GenerateContent;
using ContentPlatform.Data;

namespace ContentPlatform.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddContentDatabase();
        builder.AddRedisClient("redis");
        builder.AddJobQueue();
        builder.Services.AddOptions<GenerateContentOptions>().BindConfiguration(GenerateContentOptions.Section);
        builder.AddHttpSetup();
    }
}
