using System.Text.RegularExpressions;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// Website analysis without a model: every field is read or derived from the page itself.
public static partial class OfflineWebsiteAnalysis
{
    public const int AudienceCount = 3;

    private static readonly string[] GenericTitleParts = ["home", "homepage", "welcome", "official site", "official website"];

    // Words that mark a kind of business; the kind with the most mentions on the page wins.
    private static readonly (string Type, string[] Words)[] BusinessTypes =
    [
        ("Bakery", ["bakery", "bread", "breads", "sourdough", "pastry", "pastries", "cake", "cakes", "croissant", "croissants", "baked", "baker"]),
        ("Restaurant", ["restaurant", "dining", "dinner", "lunch", "chef", "cuisine", "dishes", "brunch"]),
        ("Cafe", ["cafe", "café", "coffee", "espresso", "latte", "roastery", "barista"]),
        ("Software", ["software", "saas", "platform", "api", "app", "dashboard", "integrations", "cloud", "developers", "automation"]),
        ("Online store", ["shop", "store", "cart", "shipping", "checkout", "products", "collection", "sale"]),
        ("Marketing agency", ["agency", "marketing", "seo", "branding", "campaigns", "advertising"]),
        ("Consulting", ["consulting", "consultancy", "consultant", "consultants", "advisory"]),
        ("Healthcare", ["clinic", "health", "medical", "patients", "doctor", "dental", "dentist", "therapy", "care"]),
        ("Fitness", ["gym", "fitness", "workout", "workouts", "yoga", "pilates", "coach", "coaching"]),
        ("Legal services", ["law", "lawyer", "lawyers", "attorney", "attorneys", "legal", "litigation"]),
        ("Real estate", ["property", "properties", "realtor", "listings", "mortgage", "apartments"]),
        ("Education", ["course", "courses", "school", "students", "tutoring", "academy", "lessons", "classes"]),
        ("Beauty salon", ["salon", "hair", "beauty", "spa", "nails", "skincare", "makeup"]),
        ("Hospitality", ["hotel", "rooms", "resort", "guests", "stay", "suites"]),
        ("Nonprofit", ["nonprofit", "charity", "donate", "donation", "volunteer", "volunteers", "foundation"]),
        ("Financial services", ["finance", "financial", "accounting", "tax", "taxes", "bank", "insurance", "investment"]),
        ("Home services", ["plumbing", "plumber", "electrician", "roofing", "cleaning", "repair", "repairs", "renovation", "landscaping"]),
        ("Photography", ["photography", "photographer", "photos", "portraits", "wedding"]),
    ];

    // "for <who>" phrases never start with these.
    private static readonly HashSet<string> NotAnAudience = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "an", "all", "any", "details", "every", "everyone", "example", "free", "information", "instance", "it",
        "just", "less", "life", "me", "more", "now", "only", "over", "sale", "that", "the", "them", "this", "those",
        "today", "up", "us", "what", "you", "your", "yours", "years", "long", "good", "sure",
    };

    public static BusinessAnalysis Analyze(PageContent page)
    {
        var businessName = BusinessName(page);
        var keywords = page.Keywords.Count > 0 ? page.Keywords : [businessName.ToLowerInvariant()];
        var audiences = AudiencePhrases(page);
        var targetAudience = audiences.Count > 0
            ? Capitalize(string.Join(" and ", audiences.Take(2)))
            : $"People looking for {string.Join(" and ", keywords.Take(2))}";
        return new BusinessAnalysis(
            businessName,
            BusinessType(page),
            Description(page, businessName),
            targetAudience,
            keywords,
            BrandVoice(page.Text),
            string.Join(", ", keywords.Take(3)));
    }

    public static IReadOnlyList<AudienceScenario> Audiences(PageContent page, BusinessAnalysis analysis)
    {
        var keywords = analysis.Keywords;
        var segments = AudiencePhrases(page)
            .Concat(keywords.Select(keyword => $"people looking for {keyword}"))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(AudienceCount)
            .ToList();
        var offers = page.Headings.Count > 0 ? page.Headings : [analysis.Description];
        var actions = page.CallsToAction.Where(cta => cta.Placement == "main")
            .Concat(page.CallsToAction.Where(cta => cta.Placement != "main"))
            .ToList();

        return segments.Select((segment, i) =>
        {
            var focus = keywords[i % keywords.Count];
            var related = keywords[(i + 1) % keywords.Count];
            var problem = (i % 3) switch
            {
                0 => $"Wants {focus} they can rely on, without spending hours comparing options",
                1 => $"Has tried other options for {focus} and was let down",
                _ => $"Is not sure which kind of {focus} fits their needs",
            };
            var action = actions.Count > 0 ? actions[i % actions.Count] : null;
            return new AudienceScenario(
                Guid.CreateVersion7(),
                Capitalize(segment),
                new TargetSegment(
                    Capitalize(segment),
                    $"Cares about {focus} and {related}",
                    $"Searches for \"{focus}\" and \"{related}\""),
                problem,
                $"{analysis.BusinessName}: {offers[i % offers.Count]}",
                keywords.Skip(i % keywords.Count).Concat(keywords).Distinct().Take(3).ToList(),
                action?.Text ?? $"Visit {page.Url.Host}");
        }).ToList();
    }

    public static string Pitch(BusinessAnalysis analysis, AudienceScenario scenario)
    {
        var focus = scenario.SeoKeywords.FirstOrDefault() ?? analysis.ContentFocus;
        return $"{scenario.Name}: {analysis.BusinessName} is the {analysis.BusinessType.ToLowerInvariant()} for {focus}. " +
               $"{FirstSentence(analysis.Description)} Next step: {scenario.ConversionPath}.";
    }

    public static string ImagePrompt(BusinessAnalysis analysis, AudienceScenario scenario) =>
        $"{analysis.BusinessType} {analysis.BusinessName} for {scenario.Name}: {scenario.CustomerProblem}";

    private static string BusinessName(PageContent page)
    {
        if (page.SiteName is { } siteName)
        {
            return siteName;
        }
        var parts = TitleSeparator().Split(page.Title ?? "")
            .Select(part => part.Trim())
            .Where(part => part.Length > 0 && !GenericTitleParts.Contains(part, StringComparer.OrdinalIgnoreCase))
            .ToList();
        if (parts.Count > 0)
        {
            // A site's name is usually the shortest part of "Fresh bread daily | Acme Bakery".
            return parts.OrderBy(part => part.Split(' ').Length).ThenBy(parts.IndexOf).First();
        }
        var host = page.Url.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? page.Url.Host[4..] : page.Url.Host;
        return Capitalize(host.Split('.')[0]);
    }

    private static string BusinessType(PageContent page)
    {
        var words = WordCounts($"{page.Title} {page.MetaDescription} {string.Join(' ', page.Headings)} {page.Title} {page.MetaDescription}", page.Text);
        var (type, score) = BusinessTypes
            .Select(candidate => (candidate.Type, Score: candidate.Words.Sum(word => words.GetValueOrDefault(word))))
            .OrderByDescending(candidate => candidate.Score)
            .First();
        return score > 0 ? type : "Business";
    }

    private static Dictionary<string, int> WordCounts(params string[] sources) =>
        sources.SelectMany(source => Word().Matches(source.ToLowerInvariant()).Select(match => match.Value))
            .CountBy(word => word)
            .ToDictionary(pair => pair.Key, pair => pair.Value);

    private static string Description(PageContent page, string businessName)
    {
        if (page.MetaDescription is { } description)
        {
            return description;
        }
        var paragraph = page.Text.Split('\n').FirstOrDefault(line => line.Length >= 60 && line.Contains(' '));
        if (paragraph is null)
        {
            return $"{businessName}: {string.Join(", ", page.Headings.Take(3).DefaultIfEmpty(page.Url.Host))}";
        }
        return paragraph.Length <= 300 ? paragraph : paragraph[..paragraph.LastIndexOf(' ', 297)] + "...";
    }

    private static string BrandVoice(string text)
    {
        var words = Math.Max(1, Word().Count(text));
        var exclamations = text.Count(c => c == '!');
        var secondPerson = WordCounts(text).Where(pair => pair.Key is "you" or "your").Sum(pair => pair.Value);
        return exclamations * 100 > words ? "Energetic and enthusiastic"
            : secondPerson * 40 > words ? "Friendly and conversational"
            : "Professional and informative";
    }

    // Who the page says it is for: the words after "for" / "serving" / "built for", up to the first function word.
    private static List<string> AudiencePhrases(PageContent page)
    {
        var sources = new[] { page.MetaDescription ?? "" }
            .Concat(page.Headings)
            .Append(page.Text.Length <= 5_000 ? page.Text : page.Text[..5_000]);
        var phrases = new List<string>();
        foreach (var source in sources)
        {
            foreach (Match match in AudienceCue().Matches(source))
            {
                var words = match.Groups["who"].Value.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0 || NotAnAudience.Contains(words[0]))
                {
                    continue;
                }
                var phrase = string.Join(' ', words.TakeWhile(word => !KeywordExtractor.StopWords.Contains(word) && !NotAnAudience.Contains(word)));
                if (phrase.Length >= 4 && !phrases.Contains(phrase))
                {
                    phrases.Add(phrase);
                }
            }
        }
        return phrases;
    }

    private static string FirstSentence(string text)
    {
        var end = text.IndexOfAny(['.', '!', '?']);
        return end < 0 ? text.TrimEnd() + "." : text[..(end + 1)];
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    [GeneratedRegex(@"\s+[|\-–—:·•]\s+")]
    private static partial Regex TitleSeparator();

    [GeneratedRegex(@"\p{L}[\p{L}'-]*")]
    private static partial Regex Word();

    [GeneratedRegex(@"\b(?:for|serving|built for|made for|designed for)\s+(?<who>(?:[\p{L}][\p{L}'-]*\s?){1,4})", RegexOptions.IgnoreCase)]
    private static partial Regex AudienceCue();
}
