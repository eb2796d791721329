using System.Text.Json;
using System.Text.Json.Serialization;
using ContentPlatform.Generation.Flywheel;

namespace ContentPlatform.Api.ContentFlywheel;

// Request and response bodies of document 004, with its field names. The requests are read leniently (JsonBody)
// so that every bad input gets the documented 400; these records describe them for the OpenAPI document.

public sealed record TopicSuggestionRequest(
    string Theme,
    string Audience,
    IReadOnlyList<string>? Goals,
    string? Constraints,
    string? Region);

public sealed record TopicInput(
    string Title,
    string? Hook,
    string? Persona,
    [property: JsonPropertyName("why_it_matters")] string? WhyItMatters,
    [property: JsonPropertyName("cta_type")] string? CtaType);

public sealed record AssetGenerationRequest(
    TopicInput Topic,
    [property: JsonPropertyName("asset_types")] IReadOnlyList<string> AssetTypes,
    [property: JsonPropertyName("brand_voice")] JsonElement? BrandVoice,
    JsonElement? Constraints);

public sealed record TopicCandidate(
    string Title,
    string Hook,
    string Persona,
    [property: JsonPropertyName("why_it_matters")] string WhyItMatters,
    [property: JsonPropertyName("cta_type")] string CtaType,
    string Difficulty)
{
    public static TopicCandidate From(TopicIdea idea) =>
        new(idea.Title, idea.Hook, idea.Persona, idea.WhyItMatters, idea.CtaType, idea.Difficulty);
}

public sealed record TopicSuggestionResponse(bool Ok, IReadOnlyList<TopicCandidate> Topics);

// Generator is "model" or "offline" (the offline generator's templates).
public sealed record AssetMetadata([property: JsonPropertyName("word_count")] int WordCount, string Generator);

// Variant (LinkedIn only) is left out rather than null, and written second as in the document; its default value
// keeps it out of the OpenAPI schema's required fields.
public sealed record ContentAsset(
    [property: JsonPropertyOrder(-1)] string Type,
    string Title,
    string Content,
    AssetMetadata Metadata,
    string Slug,
    [property: JsonPropertyName("suggested_filename")] string SuggestedFilename,
    [property: JsonPropertyOrder(-1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variant = null)
{
    public static ContentAsset From(GeneratedAsset asset) =>
        new(asset.Type, asset.Title, asset.Content, new AssetMetadata(asset.WordCount, asset.Generator),
            asset.Slug, asset.SuggestedFilename, asset.Variant);
}

public sealed record AssetGenerationResponse(
    bool Ok,
    [property: JsonPropertyName("topic_title")] string TopicTitle,
    [property: JsonPropertyName("generated_at")] DateTime GeneratedAt,
    IReadOnlyList<ContentAsset> Assets,
    IReadOnlyList<string> Errors);

// 400: { ok: false, error: "validation_failed", errors: { field: message } }.
public sealed record ValidationFailedResponse(bool Ok, string Error, IReadOnlyDictionary<string, string> Errors)
{
    public const string Code = "validation_failed";

    public ValidationFailedResponse(IReadOnlyDictionary<string, string> errors) : this(false, Code, errors)
    {
    }
}

// 401 and 500: { ok: false, error, message }.
public sealed record ContentApiError(bool Ok, string Error, string Message)
{
    public ContentApiError(string error, string message) : this(false, error, message)
    {
    }

    public static readonly ContentApiError Unauthorized = new("unauthorized", "A valid API secret is required.");
    public static readonly ContentApiError TopicsFailed = new("topic_generation_failed", "Could not generate topics. Please try again.");
    public static readonly ContentApiError AssetsFailed = new("asset_generation_failed", "Content generation failed. Please try again.");
}
