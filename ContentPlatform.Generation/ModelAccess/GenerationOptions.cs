namespace ContentPlatform.Generation.ModelAccess;

// Section "Generation". Model calls are slow: the HTTP client's resilience is tuned for them
// rather than for the short calls ServiceDefaults' standard handler is made for.
public sealed class GenerationOptions
{
    public const string SectionName = "Generation";

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(90);
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(4);
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public int MaxRetryAttempts { get; set; } = 3;
}
