namespace ContentPlatform.Generation.Flywheel;

// What the content flywheel (document 004) works on: topic suggestions for a theme and audience, then several
// assets for one chosen topic. The Api validates requests into these and maps results to the document's fields.

public sealed record TopicRequest(string Theme, string Audience, IReadOnlyList<string> Goals, string? Constraints, string? Region);

public sealed record TopicIdea(string Title, string Hook, string Persona, string WhyItMatters, string CtaType, string Difficulty);

// The topic the assets are about: a topic suggestion, or any title with whatever else the caller knows about it.
public sealed record ChosenTopic(string Title, string? Hook, string? Persona, string? WhyItMatters, string? CtaType);

// BrandVoice and Constraints are the caller's free-form settings (e.g. tone, brand, avoid; max_words, region),
// passed to the model as data and used by the offline templates where they recognise a key.
public sealed record AssetRequest(
    ChosenTopic Topic,
    IReadOnlyList<string> AssetTypes,
    IReadOnlyDictionary<string, string> BrandVoice,
    IReadOnlyDictionary<string, string> Constraints);

// Variant is set for LinkedIn posts only. Generator is "model" or "offline".
public sealed record GeneratedAsset(
    string Type,
    string? Variant,
    string Title,
    string Content,
    int WordCount,
    string Slug,
    string SuggestedFilename,
    string Generator);

// Errors holds "<type>: <reason>" for each requested type that failed; the others are in Assets.
public sealed record AssetGenerationResult(DateTime GeneratedAt, IReadOnlyList<GeneratedAsset> Assets, IReadOnlyList<string> Errors);

public static class AssetTypes
{
    public const string LinkedIn = "linkedin";
    public const string Blog = "blog";
    public const string Email = "email";
    public const string OnePager = "onepager";
    public const string WorkshopOutline = "workshop_outline";

    public static readonly IReadOnlyList<string> All = [LinkedIn, Blog, Email, OnePager, WorkshopOutline];

    public static bool IsKnown(string type) => All.Contains(type);
}

public static class TopicDifficulties
{
    public static readonly IReadOnlyList<string> All = ["low", "medium", "high"];
}
