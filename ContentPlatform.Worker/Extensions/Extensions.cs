using ContentPlatform.Data;
using ContentPlatform.Generation;
using ContentPlatform.Generation.Content;

namespace ContentPlatform.Worker.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<ContentDbContext>("contentdb", ContentDbContext.UseConventions);
        builder.AddRedisClient("redis");
        builder.AddContentGeneration();
        builder.AddJobWorker()
            .AddHandler<GenerateContentJobHandler>(JobKinds.GenerateContent);
    }
}
