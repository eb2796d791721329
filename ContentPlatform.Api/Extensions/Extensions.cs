using ContentPlatform.Api.Events;
using ContentPlatform.Api.GenerateContent;
using ContentPlatform.Api.SocketIO;
using ContentPlatform.Data;

namespace ContentPlatform.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<ContentDbContext>("contentdb", ContentDbContext.UseConventions);
        builder.AddRedisClient("redis");
        builder.AddJobQueue();
        builder.Services.AddOptions<GenerateContentOptions>().BindConfiguration(GenerateContentOptions.Section);
        builder.AddHttpSetup();
        builder.AddSocketIO<JobCompletedSocketIO>();
    }
}
