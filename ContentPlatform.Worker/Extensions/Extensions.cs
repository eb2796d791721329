using ContentPlatform.Data;
using ContentPlatform.Generation;
using ContentPlatform.Generation.BlogPosts;
using ContentPlatform.Generation.Calendars;
using ContentPlatform.Generation.Content;
using ContentPlatform.Generation.WebsiteAnalysis;

namespace ContentPlatform.Worker.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddContentDatabase();
        builder.AddRedisConnection();
        builder.AddContentGeneration();
        builder.AddWebsiteAnalysis();
        builder.AddContentCalendars();
        builder.AddBlogPosts();
        builder.AddJobWorker()
            .AddHandler<GenerateContentJobHandler>(JobKinds.GenerateContent)
            .AddHandler<WebsiteAnalysisJobHandler>(JobKinds.WebsiteAnalysis)
            .AddHandler<ContentGenerationJobHandler>(JobKinds.ContentGeneration)
            .AddHandler<ContentCalendarJobHandler>(JobKinds.ContentCalendar);
    }
}
