using ContentPlatform.Api.ContentFlywheel;
using ContentPlatform.Api.Events;
using ContentPlatform.Api.GenerateContent;
using ContentPlatform.Api.SocketIO;
using ContentPlatform.Data;
using ContentPlatform.Generation.Flywheel;

namespace ContentPlatform.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddContentDatabase();
        builder.AddRedisConnection();
        builder.AddJobQueue();
        builder.Services.AddOptions<GenerateContentOptions>().BindConfiguration(GenerateContentOptions.Section);
        // The flywheel answers in the request, so the Api talks to the model itself.
        builder.AddContentGeneration();
        builder.AddContentFlywheel();
        ContentApiOptions.Add(builder);
        builder.AddHttpSetup();
        builder.AddSocketIO<JobCompletedSocketIO>();
    }
}
