namespace ContentPlatform.Generation.Calendars;

// Calendar ideas without a model: per strategy, ten title/format/angle templates filled with the audience's
// own name, keywords and business.
public static class OfflineCalendarIdeas
{
    private sealed record Template(string Format, string Title, string Angle);

    // {0} topic, {1} audience (mid-sentence case), {2} business name.
    private static readonly Dictionary<string, Template[]> Templates = new()
    {
        ["educate"] =
        [
            new("How-to guide", "How to get started with {0}", "Walk {1} through the first steps, with no jargon."),
            new("Explainer", "{0}, explained in five minutes", "Give {1} the one-page overview they wish they had found first."),
            new("Checklist", "The {0} checklist for {1}", "A printable list {1} can follow step by step."),
            new("Glossary", "12 {0} terms every beginner should know", "Decode the vocabulary that keeps {1} from asking questions."),
            new("Beginner's guide", "A beginner's guide to choosing {0}", "Help {1} compare options without feeling sold to."),
            new("Tutorial", "Step by step: getting more from {0}", "Show one practical technique {1} can try this week."),
            new("FAQ", "Your {0} questions, answered by {2}", "Answer the questions {1} ask {2} most often."),
            new("Infographic", "{0} at a glance", "One visual summary {1} can save and share."),
            new("Listicle", "7 {0} tips that save time", "Quick wins for {1} who are short on time."),
            new("Deep dive", "What really makes {0} work", "Explain the why behind {0}, so {1} can judge quality themselves."),
        ],
        ["solve"] =
        [
            new("Problem/solution post", "The most common {0} problem, and how to fix it", "Name the frustration {1} feel and solve it in plain steps."),
            new("Case study", "How {2} helped a customer with {0}", "A before-and-after story {1} will recognise themselves in."),
            new("Comparison", "{0}: doing it yourself vs. asking {2}", "An honest comparison so {1} can pick what suits them."),
            new("Mistakes list", "5 {0} mistakes {1} make", "Warn {1} about the traps before they fall into them."),
            new("Troubleshooting guide", "When {0} goes wrong: a troubleshooting guide", "Diagnose problems {1} run into, symptom by symptom."),
            new("Cost breakdown", "What {0} really costs", "Lay out the costs {1} should expect, including the hidden ones."),
            new("Decision guide", "Is {0} right for you?", "Questions that help {1} decide quickly and confidently."),
            new("Myth vs. fact", "{0} myths that cost you money", "Correct the misconceptions that lead {1} astray."),
            new("Quick fix", "A 10-minute fix for {0} headaches", "One fast, concrete fix {1} can apply today."),
            new("Buyer's guide", "What to look for in {0}", "The criteria {1} should use before choosing a provider."),
        ],
        ["trust"] =
        [
            new("Customer story", "Why our customers choose {2} for {0}", "Let real customers tell {1} what changed for them."),
            new("Behind the scenes", "Behind the scenes: how {2} approaches {0}", "Show {1} the care and process behind the work."),
            new("Founder's note", "Why {2} cares about {0}", "A personal note that tells {1} what the business stands for."),
            new("Expert roundup", "What experts say about {0}", "Borrow credibility from voices {1} already trust."),
            new("Team spotlight", "Meet the people behind {2}'s {0}", "Put faces and names to the service {1} will receive."),
            new("Testimonial roundup", "{0}: what our customers say", "Short quotes that answer {1}'s doubts one by one."),
            new("Guarantee explainer", "Our promise on {0}", "Explain what {1} can count on, and what happens if it goes wrong."),
            new("Community post", "{0} in our community", "Show {2}'s place in the community {1} belong to."),
            new("Milestone post", "What we learned from years of {0}", "Share lessons that prove experience to {1}."),
            new("Invitation", "Try {0} with {2}", "A warm, low-pressure invitation for {1} to take the next step."),
        ],
    };

    public static IReadOnlyList<CalendarStrategy> Strategies { get; } =
    [
        new("educate", "Educate", "Teach the audience what they need to know, building familiarity with the business."),
        new("solve", "Solve problems", "Address the audience's concrete problems and show how they get solved."),
        new("trust", "Build trust", "Show proof, people and values so the audience trusts the business."),
    ];

    public static IReadOnlyList<ContentIdea> Ideas(
        CalendarStrategy strategy, IReadOnlyList<(int Day, DateOnly Date)> days, CalendarContext context)
    {
        var templates = Templates[strategy.Id];
        return days.Select((day, slot) =>
        {
            var template = templates[slot % templates.Length];
            var topic = context.Keywords[slot % context.Keywords.Count];
            var related = context.Keywords[(slot + 1) % context.Keywords.Count];
            return new ContentIdea(
                day.Day,
                day.Date,
                Capitalize(Fill(template.Title, topic, context)),
                template.Format,
                Fill(template.Angle, topic, context),
                strategy.Id,
                topic == related ? [topic] : [topic, related]);
        }).ToList();
    }

    private static string Fill(string template, string topic, CalendarContext context) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, template, topic, context.AudienceInSentence, context.BusinessName);

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}

// What a strategy writes from: the audience, its business and the keywords chosen for this strategy.
public sealed record CalendarContext(
    string AudienceName,
    string? AudienceDescription,
    string? Pitch,
    string BusinessName,
    string? BusinessDescription,
    IReadOnlyList<string> Keywords)
{
    // "Busy families" reads as "busy families" mid-sentence; acronyms ("SaaS founders", "CTOs") stay as they are.
    public string AudienceInSentence =>
        AudienceName.Length > 1 && char.IsUpper(AudienceName[0]) && char.IsLower(AudienceName[1])
            ? char.ToLowerInvariant(AudienceName[0]) + AudienceName[1..]
            : AudienceName;
}
