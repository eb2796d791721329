using ContentPlatform.Generation.ModelAccess;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ContentPlatform.Generation.Flywheel;

public static class ContentFlywheelExtensions
{
    // Registers FlywheelGenerator with its options (section "ContentApi"). Uses IChatClient and IModelInfo like
    // AddWebsiteAnalysis: call AddContentGeneration first for the configured model or the offline generator.
    public static IHostApplicationBuilder AddContentFlywheel(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IModelInfo, ChatClientModelInfo>();
        builder.Services.AddOptions<FlywheelOptions>()
            .BindConfiguration(FlywheelOptions.SectionName)
            .Validate(o => o.AssetTimeout > TimeSpan.Zero && o.MaxConcurrentAssets > 0,
                $"{FlywheelOptions.SectionName}:AssetTimeout and {FlywheelOptions.SectionName}:MaxConcurrentAssets must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<FlywheelGenerator>();
        return builder;
    }
}
