using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// The shapes of a website-analysis job's result. Serialize them with GenerationJson.Options (camelCase).

public sealed record BusinessAnalysis(
    string BusinessName,
    string BusinessType,
    string Description,
    string TargetAudience,
    IReadOnlyList<string> Keywords,
    string BrandVoice,
    string ContentFocus,
    Guid? OrganizationId = null);

public sealed record TargetSegment(string Demographics, string Psychographics, string SearchBehavior);

// One audience the business could write for. Id is the id of the Audience row it is saved as.
public sealed record AudienceScenario(
    Guid Id,
    string Name,
    TargetSegment TargetSegment,
    string CustomerProblem,
    string BusinessValue,
    IReadOnlyList<string> SeoKeywords,
    string ConversionPath,
    string? Pitch = null,
    string? ImageUrl = null,
    [property: JsonIgnore] Guid? ImageId = null);

public sealed record PageMetadata(string? Title, string? Description, string? SiteName, IReadOnlyList<string> Headings);

public sealed record WebsiteAnalysisResult(
    bool Success,
    string Url,
    DateTime ScrapedAt,
    BusinessAnalysis Analysis,
    PageMetadata Metadata,
    IReadOnlyList<AudienceScenario> Scenarios,
    IReadOnlyList<PageCallToAction> Ctas,
    int CtaCount,
    bool HasSufficientCTAs,
    Guid OrganizationId,
    // "offline" when derived from the page without a model, else "model".
    string Generator);

// Progress between the steps, for the job's progress / currentStep / estimatedTimeRemaining (seconds).
public sealed record WebsiteAnalysisProgress(int Progress, string CurrentStep, int EstimatedTimeRemaining);

public static class WebsiteAnalysisSteps
{
    public const string Analyzing = "Analyzing website...";
    public const string Audiences = "Generating audiences...";
    public const string Pitches = "Generating pitches...";
    public const string Images = "Generating images...";
}

public static class GenerationJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
