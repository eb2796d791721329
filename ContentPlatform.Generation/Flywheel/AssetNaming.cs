using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ContentPlatform.Generation.Flywheel;

// The names an asset is saved under: a kebab-case slug of its title and "YYYY-MM-DD-slug[-variant].md".
public static partial class AssetNaming
{
    public const int MaxSlugLength = 80;
    private const string EmptySlug = "untitled";

    // ASCII only, so the name is safe in any file system and URL: accents are dropped ("Café" → "cafe"),
    // everything else that is not a letter or digit separates words.
    public static string Slug(string title)
    {
        var slug = NotAsciiLetterOrDigit().Replace(WithoutAccents(title).ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > MaxSlugLength)
        {
            var cut = slug.LastIndexOf('-', MaxSlugLength);
            slug = slug[..(cut > MaxSlugLength / 2 ? cut : MaxSlugLength)].TrimEnd('-');
        }
        return slug.Length == 0 ? EmptySlug : slug;
    }

    public static string SuggestedFilename(DateTime date, string slug, string? variant) =>
        variant is null
            ? $"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}-{slug}.md"
            : $"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}-{slug}-{Slug(variant)}.md";

    private static string WithoutAccents(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                kept.Append(c);
            }
        }
        return kept.ToString();
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAsciiLetterOrDigit();
}
