namespace ContentPlatform.Generation.Flywheel;

// Section "ContentApi", which also holds the Api's Secret and AllowedOrigins for these endpoints:
// one section for the whole feature, so a host passes one name through.
public sealed class FlywheelOptions
{
    public const string SectionName = "ContentApi";

    // How long one model answer may take: the topic list, or one asset type (all three LinkedIn posts together).
    public TimeSpan AssetTimeout { get; set; } = TimeSpan.FromMinutes(2);

    // How many asset types of one request are generated at the same time.
    public int MaxConcurrentAssets { get; set; } = 3;
}
