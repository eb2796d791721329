using System.Globalization;
using System.Text.RegularExpressions;
using AnyAscii;

namespace ContentPlatform.Generation.Flywheel;

// The names an asset is saved under: a kebab-case slug of its title and "YYYY-MM-DD-slug[-variant].md".
public static partial class AssetNaming
{
    public const int MaxSlugLength = 80;
    private const string EmptySlug = "untitled";

    // ASCII only, so the name is safe in any file system and URL: other scripts are transliterated ("Café" → "cafe",
    // "Ελλάδα" → "ellada"), and everything that is not a letter or digit separates words.
    public static string Slug(string title)
    {
        var slug = NotAsciiLetterOrDigit().Replace(title.Transliterate().ToLowerInvariant(), "-").Trim('-');
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

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAsciiLetterOrDigit();
}
