using System.Text.RegularExpressions;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// The words a page is about: its own meta keywords first, then the most frequent meaningful words and
// two-word phrases, weighted by where they appear (title and headings count more than body text).
public static partial class KeywordExtractor
{
    public const int MaxKeywords = 12;

    public static IReadOnlyList<string> Extract(
        IEnumerable<string> metaKeywords, string? title, string? description, IEnumerable<string> headings, string text)
    {
        var scores = new Dictionary<string, (double Score, int FirstSeen)>();
        var order = 0;
        Score(title, 3);
        Score(description, 2);
        foreach (var heading in headings)
        {
            Score(heading, 2);
        }
        Score(text, 1);

        var ranked = scores
            .Where(entry => entry.Key.Contains(' ') ? entry.Value.Score >= 2 : entry.Value.Score >= 1)
            .OrderByDescending(entry => entry.Value.Score)
            .ThenBy(entry => entry.Value.FirstSeen)
            .Select(entry => entry.Key);

        return metaKeywords
            .Select(keyword => keyword.ToLowerInvariant())
            .Where(keyword => keyword.Length is > 1 and <= 60)
            .Concat(ranked)
            .Distinct()
            .Take(MaxKeywords)
            .ToList();

        void Score(string? source, double weight)
        {
            if (string.IsNullOrEmpty(source))
            {
                return;
            }
            // Sentences and clauses break phrases: "bread. Coffee" is not a phrase.
            foreach (var clause in ClauseBreak().Split(source))
            {
                string? previous = null;
                foreach (Match match in Word().Matches(clause.ToLowerInvariant()))
                {
                    var word = match.Value.Trim('\'', '-');
                    if (word.Length < 3 || StopWords.Contains(word))
                    {
                        previous = null;
                        continue;
                    }
                    Add(word, weight);
                    if (previous is not null)
                    {
                        // A phrase says more than its words, so it weighs a little more per occurrence.
                        Add($"{previous} {word}", weight * 1.5);
                    }
                    previous = word;
                }
            }
        }

        void Add(string key, double weight) =>
            scores[key] = scores.TryGetValue(key, out var existing)
                ? (existing.Score + weight, existing.FirstSeen)
                : (weight, order++);
    }

    [GeneratedRegex(@"[\p{L}][\p{L}'-]*")]
    private static partial Regex Word();

    [GeneratedRegex(@"[.!?;:,|•·–—()\[\]""\n]+")]
    private static partial Regex ClauseBreak();

    // Function words and the vocabulary every website shares, which say nothing about the business.
    internal static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "about", "above", "after", "again", "against", "all", "also", "and", "any", "are", "aren't", "because", "been",
        "before", "being", "below", "between", "both", "but", "can", "cannot", "could", "did", "does", "doing", "down",
        "during", "each", "even", "ever", "every", "few", "for", "from", "further", "get", "gets", "got", "had", "has",
        "have", "having", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "into", "its",
        "itself", "just", "let", "like", "made", "make", "makes", "many", "may", "more", "most", "much", "must",
        "myself", "need", "needs", "new", "nor", "not", "now", "off", "once", "one", "only", "other", "our", "ours",
        "ourselves", "out", "over", "own", "per", "same", "she", "should", "since", "some", "such", "than", "that",
        "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through",
        "too", "under", "until", "upon", "very", "via", "was", "way", "well", "were", "what", "when", "where", "which",
        "while", "who", "whom", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours",
        "yourself", "we're", "you're", "it's", "don't", "let's", "we've", "you'll", "we'll", "use", "used", "using",
        "day", "days", "year", "years", "time", "best", "great", "good", "really", "things", "thing", "lot", "lots",
        "take", "see", "want", "home", "page", "menu", "click", "welcome", "copyright", "cookie", "cookies", "privacy",
        "policy", "terms", "rights", "reserved", "read", "learn", "contact", "login", "log", "sign", "skip", "content",
        "main", "search", "website", "site", "email", "phone", "follow", "share", "back", "top", "next", "previous",
        "view", "free", "today", "yes", "two", "three", "first", "last", "ways", "come", "find",
    };
}
