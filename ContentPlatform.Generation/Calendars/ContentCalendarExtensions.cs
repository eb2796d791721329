using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Generation.WebsiteAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Generation.Calendars;

public static class ContentCalendarExtensions
{
    // Registers ContentCalendarGenerator (scoped). Needs ContentDbContext; uses IChatClient and IModelInfo like AddWebsiteAnalysis.
    public static IHostApplicationBuilder AddContentCalendars(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IModelInfo, ChatClientModelInfo>();
        builder.Services.TryAddScoped<ContentCalendarGenerator>();
        return builder;
    }
}
