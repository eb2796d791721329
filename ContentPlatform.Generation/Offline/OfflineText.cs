using System.Text;
using System.Text.RegularExpressions;

namespace ContentPlatform.Generation.Offline;

// Turns a free-form prompt into the short phrases the templates use.
internal static partial class OfflineText
{
    public const string Label = "*Generated offline from templates: no AI model is configured.*";

    private const int MaxHeadlineLength = 80;

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "with", "from", "that", "this", "your", "our", "their", "into", "about", "how", "what",
        "why", "when", "who", "are", "was", "were", "will", "can", "its", "of", "to", "in", "on", "a", "an", "is", "it",
        "be", "by", "at", "or", "as", "write", "create", "make", "post", "blog", "outline", "caption", "description",
    };

    // The first line of the prompt, tidied and cut at a word boundary, with a capital first letter.
    public static string Headline(string subject)
    {
        var line = Whitespace().Replace(subject.Split('\n', 2)[0], " ").Trim().TrimEnd('.', '!', '?', ':', ';', ',');
        if (line.Length > MaxHeadlineLength)
        {
            var cut = line.LastIndexOf(' ', MaxHeadlineLength);
            line = line[..(cut > MaxHeadlineLength / 2 ? cut : MaxHeadlineLength)].TrimEnd() + "…";
        }
        return line.Length == 0 ? "Your Topic" : char.ToUpperInvariant(line[0]) + line[1..];
    }

    public static string Hashtags(string subject, params string[] always)
    {
        var tags = Words().Matches(subject)
            .Select(m => m.Value.ToLowerInvariant())
            .Where(w => w.Length > 2 && !StopWords.Contains(w))
            .Distinct()
            .Take(4)
            .Concat(always)
            .Distinct();
        var line = new StringBuilder();
        foreach (var tag in tags)
        {
            line.Append(line.Length == 0 ? "#" : " #").Append(tag);
        }
        return line.ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}
