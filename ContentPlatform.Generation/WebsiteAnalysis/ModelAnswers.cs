using ContentPlatform.Data;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// What the model is asked to return at each step, with the checks its answer must pass.

internal sealed record ModelAnalysis(
    string BusinessName, string BusinessType, string Description, string TargetAudience,
    List<string> Keywords, string BrandVoice, string ContentFocus)
{
    public static string? Validate(ModelAnalysis a) =>
        ModelChecks.Text(a.BusinessName, "businessName", Limits.Name)
        ?? ModelChecks.Text(a.BusinessType, "businessType", Limits.Name)
        ?? ModelChecks.Text(a.Description, "description", Limits.Description)
        ?? ModelChecks.Text(a.TargetAudience, "targetAudience", Limits.Description)
        ?? ModelChecks.Text(a.BrandVoice, "brandVoice", Limits.Name)
        ?? ModelChecks.Text(a.ContentFocus, "contentFocus", Limits.Description)
        ?? ModelChecks.List(a.Keywords, "keywords", 1, 20, Limits.Name);
}

internal sealed record ModelAudience(
    string Name, string Demographics, string Psychographics, string SearchBehavior,
    string CustomerProblem, string BusinessValue, List<string> SeoKeywords, string ConversionPath);

internal sealed record ModelAudiences(List<ModelAudience> Audiences)
{
    public static string? Validate(ModelAudiences answer)
    {
        if (answer.Audiences is not { Count: > 0 and <= 5 })
        {
            return "audiences must hold 1 to 5 items";
        }
        return answer.Audiences.Select((a, i) =>
                ModelChecks.Text(a.Name, $"audiences[{i}].name", Limits.Name)
                ?? ModelChecks.Text(a.Demographics, $"audiences[{i}].demographics", Limits.Description)
                ?? ModelChecks.Text(a.Psychographics, $"audiences[{i}].psychographics", Limits.Description)
                ?? ModelChecks.Text(a.SearchBehavior, $"audiences[{i}].searchBehavior", Limits.Description)
                ?? ModelChecks.Text(a.CustomerProblem, $"audiences[{i}].customerProblem", Limits.Description)
                ?? ModelChecks.Text(a.BusinessValue, $"audiences[{i}].businessValue", Limits.Description)
                ?? ModelChecks.Text(a.ConversionPath, $"audiences[{i}].conversionPath", Limits.Name)
                ?? ModelChecks.List(a.SeoKeywords, $"audiences[{i}].seoKeywords", 1, 10, Limits.Name))
            .FirstOrDefault(problem => problem is not null);
    }
}

internal sealed record ModelPitches(List<string> Pitches)
{
    public static string? Validate(ModelPitches answer, int expected) =>
        answer.Pitches?.Count != expected
            ? $"pitches must hold exactly {expected} items, one per audience"
            : answer.Pitches.Select((p, i) => ModelChecks.Text(p, $"pitches[{i}]", Limits.Description))
                .FirstOrDefault(problem => problem is not null);
}

internal static class ModelChecks
{
    public static string? Text(string? value, string field, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? $"{field} is empty"
        : value.Length > maxLength ? $"{field} is longer than {maxLength} characters"
        : null;

    public static string? List(List<string>? values, string field, int min, int max, int maxLength) =>
        values is null || values.Count < min || values.Count > max
            ? $"{field} must hold {min} to {max} items"
            : values.Select((v, i) => Text(v, $"{field}[{i}]", maxLength)).FirstOrDefault(problem => problem is not null);
}
