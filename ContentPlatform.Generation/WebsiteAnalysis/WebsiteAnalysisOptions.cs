namespace ContentPlatform.Generation.WebsiteAnalysis;

// Bound from the "WebsiteAnalysis" configuration section (environment: WebsiteAnalysis__AllowedHosts=127.0.0.1).
public sealed class WebsiteAnalysisOptions
{
    public const string SectionName = "WebsiteAnalysis";

    // Comma-separated host names or IP literals that may be fetched even when they resolve to refused addresses,
    // e.g. "127.0.0.1,localhost" for tests and local demos.
    public string AllowedHosts { get; set; } = "";

    public long MaxResponseBytes { get; set; } = 2 * 1024 * 1024;

    // For the whole fetch: every redirect hop and reading the body.
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRedirects { get; set; } = 5;

    public bool IsAllowedHost(string host)
    {
        var bare = host.Trim('[', ']');
        return AllowedHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(allowed => string.Equals(allowed.Trim('[', ']'), bare, StringComparison.OrdinalIgnoreCase));
    }
}
