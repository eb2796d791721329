using ContentPlatform.Generation.Offline;

namespace ContentPlatform.Generation.Flywheel;

// Topics and assets without a model: templates filled with the request's own words (theme, audience, goals,
// constraints and region; the topic's title, hook, persona, why it matters and call to action), each Markdown
// asset of the length its kind calls for and labelled as generated offline.
internal static class OfflineFlywheel
{
    private sealed record TopicTemplate(string Title, string Hook, string WhyItMatters, string CtaType, string Difficulty);

    // {0} theme as given, {1} theme capitalized, {2} audience.
    private static readonly TopicTemplate[] GeneralTopics =
    [
        new("{1}: 5 habits that make the biggest difference",
            "Most of the results in {0} come from a few simple habits, not from big projects.",
            "It gives {2} quick wins to start this week, without a budget request.", "free resource", "low"),
        new("The {0} checklist for {2}",
            "One page, ten questions: how ready are you really?",
            "A checklist turns a vague worry about {0} into a short list of next steps.", "downloadable checklist", "low"),
        new("Common {0} myths, and what to do instead",
            "The most expensive mistakes in {0} start with a belief that sounds perfectly reasonable.",
            "Correcting a myth early saves {2} time, money and awkward conversations.", "newsletter signup", "low"),
        new("How to brief leadership on {0} in one meeting",
            "A short, clear briefing gets a decision; a long one gets postponed.",
            "Leadership support turns {0} from a side project into a priority.", "template download", "medium"),
        new("{1} on a small budget: a 30-day plan",
            "You can make real progress on {0} in a month without buying new tools.",
            "A limited budget is the most common reason {0} gets postponed.", "email course", "medium"),
        new("Case study: how a team like yours improved {0}",
            "A before-and-after story shows what is possible faster than any statistic.",
            "For {2}, the results of a peer are more convincing than the claims of a vendor.", "consultation call", "medium"),
        new("{1}: 7 questions to ask before you choose a provider",
            "The right questions reveal more about a provider than any sales pitch.",
            "Choosing the wrong provider for {0} is costly and hard to undo.", "free resource", "medium"),
        new("Measuring {0}: the 3 numbers worth tracking",
            "If you cannot measure progress on {0}, you cannot show it to anyone.",
            "Clear numbers help {2} report progress and justify the next investment.", "webinar registration", "high"),
        new("When {0} goes wrong: a simple response plan",
            "The first hour after something goes wrong decides how bad it gets.",
            "A plan made in advance turns a crisis into a routine task for {2}.", "downloadable template", "high"),
        new("{1} trends to watch this year",
            "Some changes in {0} matter a great deal to {2}; most are noise.",
            "Knowing what is coming lets {2} plan instead of react.", "newsletter signup", "medium"),
    ];

    // The request shapes the list first: a topic per goal (up to three), one for the region and one for the
    // constraints, then the general topics until there are ten distinct titles.
    public static IReadOnlyList<TopicIdea> Topics(TopicRequest request)
    {
        var theme = request.Theme.Trim();
        var audience = request.Audience.Trim();
        string Fill(string template) => string.Format(template, theme, Capitalize(theme), audience);
        TopicIdea Idea(string title, string hook, string whyItMatters, string ctaType, string difficulty) =>
            new(title, hook, audience, whyItMatters, ctaType, difficulty);

        var topics = new List<TopicIdea>();
        foreach (var goal in request.Goals.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Take(3))
        {
            topics.Add(Idea(
                $"{Capitalize(goal)}: what {theme} means for {audience}",
                $"If your plan says \"{goal}\", {theme} is part of the answer.",
                $"It connects {theme} to a goal already on the agenda of {audience}: {goal}.",
                "consultation call",
                "medium"));
        }
        if (request.Region?.Trim() is { Length: > 0 } place)
        {
            topics.Add(Idea(
                $"{Capitalize(theme)} in {place}: the local rules and resources that matter",
                $"What works elsewhere does not always apply in {place}.",
                $"Local rules, funders and partners in {place} shape what good {theme} looks like for {audience}.",
                "webinar registration",
                "medium"));
        }
        var constraints = request.Constraints?.Trim();
        topics.Add(Idea(
            $"{Capitalize(theme)}, explained in 10 minutes",
            "You do not need to become an expert; you need to ask the right questions.",
            string.IsNullOrEmpty(constraints)
                ? $"Decisions get made when {audience} can grasp the essentials quickly."
                : $"It gives {audience} the essentials the way they asked for them: {constraints}.",
            "free resource",
            "low"));

        foreach (var template in GeneralTopics)
        {
            topics.Add(Idea(
                Capitalize(Fill(template.Title)), Fill(template.Hook), Capitalize(Fill(template.WhyItMatters)),
                template.CtaType, template.Difficulty));
        }

        return topics
            .DistinctBy(t => t.Title, StringComparer.OrdinalIgnoreCase)
            .Take(ModelTopics.Count)
            .ToList();
    }

    public static IReadOnlyList<AssetDraft> Assets(string type, AssetRequest request)
    {
        var brief = Brief.From(request);
        return type switch
        {
            AssetTypes.LinkedIn =>
            [
                new(AssetKind.LinkedInVariants[0], brief.Title, LinkedInEducational(brief)),
                new(AssetKind.LinkedInVariants[1], brief.Title, LinkedInStory(brief)),
                new(AssetKind.LinkedInVariants[2], brief.Title, LinkedInContrarian(brief)),
            ],
            AssetTypes.Blog => [new(null, brief.Title, Blog(brief))],
            AssetTypes.Email => [new(null, brief.Title, Email(brief))],
            AssetTypes.OnePager => [new(null, brief.Title, OnePager(brief))],
            AssetTypes.WorkshopOutline => [new(null, $"Workshop: {brief.Title}", WorkshopOutline(brief))],
            _ => throw new ArgumentException($"Unknown asset type '{type}'.", nameof(type)),
        };
    }

    // The words every template uses, with defaults for what the caller left out.
    private sealed record Brief(string Title, string Hook, string WhyItMatters, string Persona, string Region, string CallToAction, string SignOff, string Hashtags)
    {
        public static Brief From(AssetRequest request)
        {
            var topic = request.Topic;
            var title = topic.Title.Trim();
            var region = Setting(request.Constraints, "region") is { } place ? $" in {place}" : "";
            var ctaType = topic.CtaType ?? Setting(request.Constraints, "cta", "cta_type") ?? Setting(request.BrandVoice, "cta");
            var brand = Setting(request.BrandVoice, "brand", "name", "company", "organization");
            return new Brief(
                title,
                EndSentence(topic.Hook ?? "Small, steady steps beat one big push."),
                EndSentence(topic.WhyItMatters ?? "Getting this right saves time, lowers risk and shows progress people can see."),
                topic.Persona?.Trim() is { Length: > 0 } persona ? persona : "busy teams",
                region,
                CtaSentence(ctaType),
                brand is null ? "The team" : $"The {brand} team",
                OfflineText.Hashtags(title, "contentstrategy"));
        }

        private static string? Setting(IReadOnlyDictionary<string, string> settings, params string[] keys) =>
            keys.Select(k => settings.FirstOrDefault(s => string.Equals(s.Key, k, StringComparison.OrdinalIgnoreCase)).Value)
                .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

        private static string CtaSentence(string? ctaType)
        {
            var cta = ctaType?.Trim().ToLowerInvariant() ?? "";
            return cta switch
            {
                "" => "Reply or get in touch, and we will help you take the first step.",
                _ when cta.Contains("newsletter") || cta.Contains("subscribe") =>
                    "Subscribe to the newsletter for one practical idea like this every week.",
                _ when cta.Contains("call") || cta.Contains("consult") || cta.Contains("demo") =>
                    "Book a short call, and we will look at your situation together.",
                _ when cta.Contains("webinar") || cta.Contains("workshop") || cta.Contains("event") =>
                    "Join the next webinar to see it done step by step.",
                _ when cta.Contains("course") => "Sign up for the free email course: one short lesson a day for a week.",
                _ when cta.Contains("resource") || cta.Contains("download") || cta.Contains("checklist") || cta.Contains("template") =>
                    "Download the free checklist that goes with this, and start today.",
                _ => $"Take the next step: {ctaType!.Trim()}.",
            };
        }

        private static string EndSentence(string text)
        {
            var trimmed = text.Trim();
            return trimmed.Length == 0 || ".!?".Contains(trimmed[^1]) ? trimmed : trimmed + ".";
        }
    }

    private static string LinkedInEducational(Brief b) => $"""
        {b.Hook}

        If “{b.Title}” is on your list, here is where I would start:

        1️⃣ Start smaller than feels necessary. One priority, one owner, one date.
        2️⃣ Make it routine. Tie it to a meeting or a task that already happens every week.
        3️⃣ Write it down. A one-page checklist beats the knowledge in one person's head.
        4️⃣ Review after 30 days. Keep what worked, drop what did not, and pick the next step.

        Why bother? {b.WhyItMatters}

        None of this needs a big budget or new tools. It needs a clear first step and someone who owns it. That is true for {b.Persona}{b.Region} as much as for anyone.

        What is the one step you would take first? Tell me in the comments 👇

        {b.Hashtags}

        ---
        {OfflineText.Label}
        """;

    private static string LinkedInStory(Brief b) => $"""
        A year ago, someone in a role much like yours told me: "We know it matters. We just never get to it."

        Sound familiar?

        {b.Hook}

        We did not start with a big project. We picked the one area where a problem would hurt most, wrote a one-page checklist and put a 30-minute slot in the calendar every month.

        Three months later, the checklist was a habit. Questions that used to cause panic had a calm, two-minute answer. And the team felt in control instead of lucky.

        The lesson behind “{b.Title}”: consistency beats intensity. Small, boring steps, repeated, are what actually change things for {b.Persona}{b.Region}.

        {b.WhyItMatters}

        Have you seen the same in your team? I would love to hear your story.

        {b.Hashtags}

        ---
        {OfflineText.Label}
        """;

    private static string LinkedInContrarian(Brief b) => $"""
        Unpopular opinion: most advice about “{b.Title}” makes things harder than they need to be.

        Long checklists. Expensive tools. Big projects that stall after the first meeting.

        Here is what actually works for {b.Persona}{b.Region}:

        → Do less, but do it every month.
        → Fix the gap with the biggest consequence first, not the most interesting one.
        → Agree on the process before you buy any tool.
        → Measure one thing, so you can show progress.

        {b.Hook} {b.WhyItMatters}

        Perfect plans rarely survive contact with a busy week. Simple habits do.

        Agree or disagree? I am curious where you land.

        {b.Hashtags}

        ---
        {OfflineText.Label}
        """;

    private static string Blog(Brief b) => $"""
        # {b.Title}

        {b.Hook}

        {b.WhyItMatters} This post turns “{b.Title}” into something you can act on: what it means in practice, where to start, which mistakes to avoid and how to tell whether it is working. It is written for {b.Persona}{b.Region}, so it skips the theory and focuses on decisions you can make this month.

        ## Why this deserves a place on your list

        Most teams already know this matters. What stops them is not a lack of interest but a lack of time and a clear first step. The cost of waiting is rarely visible until something goes wrong, and by then the fix is slower, more expensive and more stressful than prevention would have been. Treating it as a routine part of how you work, rather than a project you will get to one day, is what separates the organizations that stay ahead from the ones that keep catching up.

        There is also an opportunity here. People who see you handle this well trust you more: your team, your customers and anyone who funds or supports your work. That trust is hard to build with words alone; it comes from visible, consistent habits.

        ## Where to start

        Start smaller than feels necessary. Pick the one area where a problem would hurt most, write down what "good enough" looks like there, and name one person who owns it. A short written plan that people actually follow beats a thorough one that sits in a folder. Give yourself a date thirty days from now to look at what changed.

        ## Five practical steps

        1. **Take stock.** List what you already do, even informally. Most teams discover they are further along than they thought, and the gaps become obvious once everything is on one page.
        2. **Choose one priority.** Of the gaps you found, pick the one with the biggest consequence and the smallest effort. Early wins build the momentum the harder steps will need.
        3. **Make it routine.** Put a recurring reminder in the calendar and attach the task to something that already happens, such as a weekly meeting or the end of the month.
        4. **Write it down.** A one-page checklist means the work does not depend on one person's memory, and it makes it easy to bring new people up to speed.
        5. **Review and adjust.** After a month, look at what worked, drop what did not, and choose the next priority. Progress comes from repeating this loop, not from getting it perfect the first time.

        ## Mistakes to avoid

        - **Trying to do everything at once.** A long list of changes overwhelms people and nothing sticks. One habit at a time is faster in the end.
        - **Leaving it to one person.** If only one person understands how it works, you have a single point of failure. Share the knowledge early.
        - **Buying a tool before deciding on the process.** Tools make a good process faster; they do not replace it.
        - **Not measuring anything.** Without a simple number or a before-and-after comparison, it is hard to show progress and easy to lose support.

        ## What good looks like after 90 days

        After three months of steady work, you should be able to describe your approach in two minutes, point to a checklist that people follow, and show at least one concrete improvement: fewer incidents, less time spent fixing problems, or faster answers when someone asks how you handle it. Just as important, the work should feel normal rather than heroic. That is the sign it will last.

        ## Questions to discuss with your team this week

        - What would hurt most if it went wrong tomorrow?
        - Who owns this today, and do they know it?
        - What is one thing we could stop doing, start doing or do more consistently?
        - How would we know, a month from now, that things are better?

        ## Conclusion

        “{b.Title}” is not about a big project or a big budget. It comes down to a few clear decisions, written down and repeated until they are habits. Start with one step this week, review it in a month, and build from there.

        **{b.CallToAction}**

        ---
        {OfflineText.Label}
        """;

    private static string Email(Brief b) => $"""
        **Subject:** {b.Title}
        **Preview:** {b.Hook}

        Hi there,

        {b.Hook} {b.WhyItMatters}

        That is why we put together a short, practical take on “{b.Title}” for {b.Persona}{b.Region}. Here is the short version:

        - **Start small.** Pick the one area where a problem would hurt most and focus there first.
        - **Make it routine.** Tie the work to something that already happens every week or month.
        - **Write it down.** A one-page checklist keeps everyone on the same page and makes progress easy to show.

        None of this needs a big budget or new tools. It needs a clear first step and someone who owns it. Most teams see a difference within a month, and the habits keep paying off long after that.

        **{b.CallToAction}**

        If you have a question, just reply to this email: a real person reads every answer.

        Best regards,
        {b.SignOff}

        ---
        {OfflineText.Label}
        """;

    private static string OnePager(Brief b) => $"""
        # {b.Title}

        **For:** {b.Persona}{b.Region}
        **In one sentence:** {b.Hook}

        ## The challenge

        Most teams know this matters but struggle to find the time, the budget and a clear first step. The work gets postponed until something goes wrong, and then it is urgent, expensive and stressful. Good intentions are not the problem; the lack of a simple, owned routine is.

        ## Why it matters

        {b.WhyItMatters} Handling it well protects your work, saves the time that would otherwise go to fixing problems, and builds the trust of the people who depend on you.

        The organizations that get this right are rarely the ones with the biggest budgets. They are the ones that decided what matters most, gave it an owner and a regular slot in the calendar, and kept going when the first month felt slow.

        ## What we recommend

        - **Take stock** of what is already in place, formal or not.
        - **Pick one priority** with a big consequence and a small effort.
        - **Name an owner** and put a recurring slot in the calendar.
        - **Write a one-page checklist** so the work never depends on one person.
        - **Review after 30 days** and choose the next priority.

        ## What it takes

        | Item | Effort |
        | --- | --- |
        | Initial review | 2–3 hours |
        | Monthly routine | About 1 hour |
        | Tools | Usually what you already have |
        | Budget | Little or none to start |

        ## What you get

        - Fewer surprises, and faster recovery when something does go wrong
        - A clear answer when leadership, customers or funders ask how you handle it
        - Habits that last because they are simple and written down

        ## How progress is measured

        - One number agreed at the start and reviewed every month
        - A short before-and-after summary after 90 days
        - Feedback from the people who follow the checklist

        ## Next step

        **{b.CallToAction}**

        {b.SignOff}

        ---
        {OfflineText.Label}
        """;

    private static string WorkshopOutline(Brief b) => $"""
        # Workshop: {b.Title}

        **Format:** 90-minute interactive session, in person or online
        **Audience:** {b.Persona}{b.Region}
        **Promise:** {b.Hook}

        ## Learning objectives

        By the end of the session, participants will be able to:

        1. Explain in plain words why this matters for their own work.
        2. Assess where their team stands today, using a simple checklist.
        3. Choose one priority and a first step they can take within a week.
        4. Set up a routine and a way to measure progress over the next 30 days.

        ## Agenda

        | Time | Module | Activity |
        | --- | --- | --- |
        | 0:00–0:10 | Welcome and context | Introductions; each participant names one concern |
        | 0:10–0:30 | Module 1: Why it matters | Short talk and discussion of real examples |
        | 0:30–0:55 | Module 2: Where do we stand? | Self-assessment with the checklist, in pairs |
        | 0:55–1:15 | Module 3: From priority to plan | Small groups draft a 30-day plan |
        | 1:15–1:25 | Module 4: Making it stick | Routines, owners and simple measures |
        | 1:25–1:30 | Wrap-up | Commitments and next steps |

        ## Module 1: Why it matters (20 minutes)

        - Open with the hook: {b.Hook}
        - Why it matters: {b.WhyItMatters}
        - Discussion: what would hurt most if it went wrong tomorrow?

        ## Module 2: Where do we stand? (25 minutes)

        - Walk through a ten-question checklist together.
        - Participants score their own team in pairs and note the two biggest gaps.
        - Debrief: which gaps come up most often, and why?

        ## Module 3: From priority to plan (20 minutes)

        - Each group picks one gap with a big consequence and a small effort.
        - Groups write a one-page plan: owner, first step, date, and how they will know it worked.
        - Two groups share their plans and get feedback from the room.

        ## Module 4: Making it stick (10 minutes)

        - Attach the work to routines that already exist.
        - Agree on one simple measure to review after 30 days.
        - Common pitfalls: doing everything at once, relying on one person, buying tools before agreeing on the process.

        ## Materials

        - About 12 slides with the key ideas and examples
        - The self-assessment checklist, printed or shared online
        - A one-page plan template
        - Sticky notes and markers, or an online whiteboard

        ## Follow-up

        - Send the slides, the checklist and the plan template within 24 hours.
        - Schedule a 30-minute check-in after 30 days to review progress.
        - {b.CallToAction}

        ---
        {OfflineText.Label}
        """;

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
