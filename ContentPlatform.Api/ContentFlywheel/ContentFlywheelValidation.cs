using System.Text.Json;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Generation.Flywheel;

namespace ContentPlatform.Api.ContentFlywheel;

// The document's messages, and ours in the same style for what it leaves unsaid.
public static class ContentFlywheelMessages
{
    public const string BodyNotObject = "Request body must be a JSON object.";
    public const string ThemeRequired = "Theme is required.";
    public const string AudienceRequired = "Audience is required.";
    public const string TopicTitleRequired = "Topic title is required.";
    public const string AssetTypesRequired = "At least one asset type required.";
    public const string AssetTypesNotStrings = "Asset types must be an array of strings.";
    public const string GoalsNotStrings = "Goals must be an array of strings.";

    public static string UnknownAssetType(string type) =>
        $"Unknown asset type \"{(type.Length > 40 ? type[..40] + "…" : type)}\". Allowed: {string.Join(", ", AssetTypes.All)}.";
}

// Reads the two requests field by field, so every problem is reported under its field with a readable message
// and nothing a client sends can fail binding. Every string and list is bounded.
internal static class ContentFlywheelValidation
{
    public const int MaxThemeLength = 200;
    public const int MaxAudienceLength = 200;
    public const int MaxGoals = 10;
    public const int MaxGoalLength = 200;
    public const int MaxConstraintsLength = 1_000;
    public const int MaxRegionLength = 100;
    public const int MaxTitleLength = 200;
    public const int MaxTopicTextLength = 1_000;
    public const int MaxSettings = 20;
    public const int MaxSettingNameLength = 50;
    public const int MaxSettingValueLength = 1_000;

    public static TopicRequest? ReadTopicRequest(JsonBody body, out Dictionary<string, string> errors)
    {
        errors = [];
        if (!body.IsObject)
        {
            errors["body"] = ContentFlywheelMessages.BodyNotObject;
            return null;
        }
        var theme = Text(body.TryGet("theme", out var v) ? v : null, "theme", "Theme", MaxThemeLength, required: true, errors);
        var audience = Text(body.TryGet("audience", out v) ? v : null, "audience", "Audience", MaxAudienceLength, required: true, errors);
        var goals = Goals(body.TryGet("goals", out v) ? v : null, errors);
        var constraints = Text(body.TryGet("constraints", out v) ? v : null, "constraints", "Constraints", MaxConstraintsLength, required: false, errors);
        var region = Text(body.TryGet("region", out v) ? v : null, "region", "Region", MaxRegionLength, required: false, errors);
        return errors.Count > 0 ? null : new TopicRequest(theme!, audience!, goals, constraints, region);
    }

    public static AssetRequest? ReadAssetRequest(JsonBody body, out Dictionary<string, string> errors)
    {
        errors = [];
        if (!body.IsObject)
        {
            errors["body"] = ContentFlywheelMessages.BodyNotObject;
            return null;
        }
        var topic = Topic(body.TryGet("topic", out var v) ? v : null, errors);
        var types = Types(body.TryGet("asset_types", out v) ? v : null, errors);
        var brandVoice = Settings(body.TryGet("brand_voice", out v) ? v : null, "brand_voice", "Brand voice", errors);
        var constraints = Settings(body.TryGet("constraints", out v) ? v : null, "constraints", "Constraints", errors);
        return errors.Count > 0 ? null : new AssetRequest(topic!, types, brandVoice, constraints);
    }

    // A trimmed string, null when an optional field is absent or blank; a problem is recorded under key.
    private static string? Text(JsonElement? value, string key, string label, int maxLength, bool required, Dictionary<string, string> errors)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } element)
        {
            return Missing();
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            errors[key] = $"{label} must be a string.";
            return null;
        }
        var text = element.GetString()!.Trim();
        if (text.Length == 0)
        {
            return Missing();
        }
        if (text.Length > maxLength)
        {
            errors[key] = $"{label} must be at most {maxLength} characters.";
            return null;
        }
        return text;

        string? Missing()
        {
            if (required)
            {
                errors[key] = $"{label} is required.";
            }
            return null;
        }
    }

    private static IReadOnlyList<string> Goals(JsonElement? value, Dictionary<string, string> errors)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } element)
        {
            return [];
        }
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(g => g.ValueKind != JsonValueKind.String))
        {
            errors["goals"] = ContentFlywheelMessages.GoalsNotStrings;
            return [];
        }
        var goals = element.EnumerateArray().Select(g => g.GetString()!.Trim()).Where(g => g.Length > 0).ToList();
        if (goals.Count > MaxGoals)
        {
            errors["goals"] = $"Goals can have at most {MaxGoals} items.";
        }
        else if (goals.Any(g => g.Length > MaxGoalLength))
        {
            errors["goals"] = $"Each goal must be at most {MaxGoalLength} characters.";
        }
        return goals;
    }

    private static ChosenTopic? Topic(JsonElement? value, Dictionary<string, string> errors)
    {
        if (value is not { ValueKind: JsonValueKind.Object } topic)
        {
            errors["topic"] = ContentFlywheelMessages.TopicTitleRequired;
            return null;
        }
        JsonElement? Field(string name) => topic.TryGetProperty(name, out var field) ? field : null;
        var title = Text(Field("title"), "topic", "Topic title", MaxTitleLength, required: true, errors);
        var hook = Text(Field("hook"), "topic.hook", "Topic hook", MaxTopicTextLength, required: false, errors);
        var persona = Text(Field("persona"), "topic.persona", "Topic persona", MaxTitleLength, required: false, errors);
        var why = Text(Field("why_it_matters"), "topic.why_it_matters", "Topic why_it_matters", MaxTopicTextLength, required: false, errors);
        var cta = Text(Field("cta_type"), "topic.cta_type", "Topic cta_type", MaxTitleLength, required: false, errors);
        return title is null ? null : new ChosenTopic(title, hook, persona, why, cta);
    }

    // Known types in the order asked, each once; matched without regard to case or surrounding spaces.
    private static IReadOnlyList<string> Types(JsonElement? value, Dictionary<string, string> errors)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } element)
        {
            errors["asset_types"] = ContentFlywheelMessages.AssetTypesRequired;
            return [];
        }
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            errors["asset_types"] = ContentFlywheelMessages.AssetTypesNotStrings;
            return [];
        }
        var types = element.EnumerateArray().Select(t => t.GetString()!.Trim().ToLowerInvariant()).Distinct().ToList();
        if (types.Count == 0)
        {
            errors["asset_types"] = ContentFlywheelMessages.AssetTypesRequired;
        }
        else if (types.FirstOrDefault(t => !AssetTypes.IsKnown(t)) is { } unknown)
        {
            errors["asset_types"] = ContentFlywheelMessages.UnknownAssetType(unknown);
        }
        return types;
    }

    // brand_voice and constraints: an object of short settings ({ "tone": "warm", "max_words": 200, "avoid": ["jargon"] }),
    // or one string, read as { "description": "..." }. Values become text; lists are joined with commas.
    private static IReadOnlyDictionary<string, string> Settings(JsonElement? value, string key, string label, Dictionary<string, string> errors)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value is not { ValueKind: not JsonValueKind.Null } element)
        {
            return settings;
        }
        var problem = $"{label} must be an object of at most {MaxSettings} text settings, with names of at most " +
            $"{MaxSettingNameLength} and values of at most {MaxSettingValueLength} characters.";
        if (element.ValueKind == JsonValueKind.String)
        {
            element = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = element.GetString()! });
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors[key] = problem;
            return settings;
        }
        foreach (var property in element.EnumerateObject())
        {
            var text = SettingText(property.Value);
            if (text is null || property.Name.Length > MaxSettingNameLength || text.Length > MaxSettingValueLength
                || settings.Count == MaxSettings)
            {
                errors[key] = problem;
                return settings;
            }
            if (text.Length > 0)
            {
                settings[property.Name] = text;
            }
        }
        return settings;
    }

    // Null when the value is not a setting: a nested object, or a list holding anything but strings and numbers.
    private static string? SettingText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "",
        JsonValueKind.Array when value.EnumerateArray().All(item => item.ValueKind is JsonValueKind.String or JsonValueKind.Number) =>
            string.Join(", ", value.EnumerateArray().Select(item =>
                item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : item.GetRawText())),
        _ => null,
    };
}
