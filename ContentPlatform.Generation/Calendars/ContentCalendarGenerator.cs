using ContentPlatform.Generation.ModelAccess;
using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.WebsiteAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Generation.Calendars;

// Makes an audience's 30-day content calendar: three strategies, each through the phases
// audience → organization → keywords → generating → saving, one idea per day, saved on the audience.
public sealed partial class ContentCalendarGenerator(
    ContentDbContext db,
    IModelInfo model,
    TimeProvider time,
    ILogger<ContentCalendarGenerator> logger,
    IChatClient? chatClient = null)
{
    public const int Days = 30;

    // Share of the progress bar each phase takes within a strategy; generating is the slow part.
    private static readonly int[] PhaseWeights = [2, 2, 3, 20, 6];
    private static readonly int WeightPerStrategy = PhaseWeights.Sum();

    private bool UsesModel => !model.IsOffline && chatClient is not null;

    public async Task<ContentCalendar> GenerateAsync(
        Guid audienceId,
        Func<ContentCalendarProgress, CancellationToken, Task>? onProgress,
        CancellationToken cancellationToken)
    {
        var strategies = OfflineCalendarIdeas.Strategies;
        var firstDay = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1);
        var ideas = new List<ContentIdea>(Days);
        Audience? audience = null;
        Organization? organization = null;

        for (var s = 0; s < strategies.Count; s++)
        {
            var strategy = strategies[s];
            var label = $"Strategy {s + 1} of {strategies.Count}";

            await Report(s, 0, $"{label}: Reading the audience...");
            audience ??= await db.Audiences.AsNoTracking().FirstOrDefaultAsync(a => a.Id == audienceId, cancellationToken)
                ?? throw AudienceNotFound();

            await Report(s, 1, $"{label}: Reading the organization...");
            if (organization is null && audience.OrganizationId is { } organizationId)
            {
                organization = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken);
            }

            await Report(s, 2, $"{label}: Choosing keywords...");
            var context = Context(audience, organization, s);

            await Report(s, 3, $"{label}: Generating 30-day ideas with AI...");
            // Days rotate through the strategies: strategy 1 takes days 1, 4, 7, ...
            var days = Enumerable.Range(1, Days)
                .Where(day => (day - 1) % strategies.Count == s)
                .Select(day => (day, firstDay.AddDays(day - 1)))
                .ToList();
            var generated = UsesModel
                ? await GenerateWithModelAsync(strategy, days, context, cancellationToken)
                : OfflineCalendarIdeas.Ideas(strategy, days, context);

            var last = s == strategies.Count - 1;
            await Report(s, 4, last ? $"{label}: Saving the 30-day calendar..." : $"{label}: Adding ideas to the calendar...");
            ideas.AddRange(generated);
        }

        ideas.Sort((a, b) => a.Day.CompareTo(b.Day));
        var generatedAt = await SaveAsync(audienceId, ideas, cancellationToken);
        await Notify(new ContentCalendarProgress(100, "Content calendar ready", CalendarPhases.Saving,
            strategies.Count, strategies.Count, strategies[^1].Id, 0));
        LogGenerated(logger, audienceId, ideas.Count, UsesModel ? "model" : "offline");
        return new ContentCalendar(audienceId, ideas, generatedAt);

        Task Report(int strategy, int phase, string step)
        {
            var total = WeightPerStrategy * strategies.Count;
            var done = strategy * WeightPerStrategy + PhaseWeights.Take(phase).Sum();
            var secondsPerWeight = UsesModel ? 1.0 : 0.05;
            return Notify(new ContentCalendarProgress(
                done * 100 / total,
                step,
                CalendarPhases.InOrder[phase],
                strategy + 1,
                strategies.Count,
                strategies[strategy].Id,
                (int)Math.Ceiling((total - done) * secondsPerWeight)));
        }

        Task Notify(ContentCalendarProgress progress) =>
            onProgress?.Invoke(progress, cancellationToken) ?? Task.CompletedTask;
    }

    // The strategy's keywords: the audience's own first, then its business's, then words from its description;
    // each strategy starts at a different one so the three strategies lead with different topics.
    private static CalendarContext Context(Audience audience, Organization? organization, int strategyIndex)
    {
        var keywords = audience.Keywords
            .Concat(organization?.Keywords ?? [])
            .Concat(KeywordExtractor.Extract([], audience.Name, audience.Description, [], audience.Pitch ?? ""))
            .Select(keyword => keyword.Trim().ToLowerInvariant())
            .Where(keyword => keyword.Length > 0)
            .Distinct()
            .ToList();
        if (keywords.Count == 0)
        {
            keywords.Add(audience.Name.ToLowerInvariant());
        }
        var shift = strategyIndex % keywords.Count;
        return new CalendarContext(
            audience.Name,
            audience.Description,
            audience.Pitch,
            organization?.Name ?? "us",
            organization?.Description,
            [.. keywords.Skip(shift), .. keywords.Take(shift)]);
    }

    private async Task<IReadOnlyList<ContentIdea>> GenerateWithModelAsync(
        CalendarStrategy strategy, List<(int Day, DateOnly Date)> days, CalendarContext context, CancellationToken cancellationToken)
    {
        var answer = await StructuredOutput.GetAsync<ModelCalendarIdeas>(chatClient!,
        [
            new(ChatRole.System,
                "You plan a content calendar: one piece of content per listed day, each with a specific title, " +
                "a format (e.g. How-to guide, Case study, Checklist) and the angle that makes it matter to the audience."),
            new(ChatRole.User, $"""
                Strategy: {strategy.Name}: {strategy.Goal}
                Audience: {context.AudienceName}
                About the audience: {context.AudienceDescription}
                Pitch: {context.Pitch}
                Business: {context.BusinessName}: {context.BusinessDescription}
                Keywords, most important first: {string.Join(", ", context.Keywords)}
                Days: {string.Join(", ", days.Select(d => $"day {d.Day} ({d.Date:yyyy-MM-dd})"))}
                """),
        ], answer => ModelCalendarIdeas.Validate(answer, days.Select(d => d.Day).ToList()), "content calendar", cancellationToken);

        var byDay = answer.Ideas.ToDictionary(idea => idea.Day);
        return days.Select(day =>
        {
            var idea = byDay[day.Day];
            return new ContentIdea(day.Day, day.Date, idea.Title, idea.Format, idea.Angle, strategy.Id,
                context.Keywords.Where(k => idea.Title.Contains(k, StringComparison.OrdinalIgnoreCase)).Take(3).ToList());
        }).ToList();
    }

    private async Task<DateTime> SaveAsync(Guid audienceId, List<ContentIdea> ideas, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var json = JsonSerializer.Serialize(ideas, GenerationJson.Options);
        var updated = await db.Audiences
            .Where(a => a.Id == audienceId)
            .ExecuteUpdateAsync(set => set
                .SetProperty(a => a.ContentIdeas, json)
                .SetProperty(a => a.ContentCalendarGeneratedAt, now)
                .SetProperty(a => a.UpdatedAt, now), cancellationToken);
        return updated == 1 ? now : throw AudienceNotFound();
    }

    private static GenerationFailedException AudienceNotFound() =>
        new("Audience not found", GenerationErrorCodes.AudienceNotFound);

    [LoggerMessage(Level = LogLevel.Information, Message = "Content calendar for audience {AudienceId}: {IdeaCount} ideas ({Generator})")]
    private static partial void LogGenerated(ILogger logger, Guid audienceId, int ideaCount, string generator);
}

internal sealed record ModelCalendarIdea(int Day, string Title, string Format, string Angle);

internal sealed record ModelCalendarIdeas(List<ModelCalendarIdea> Ideas)
{
    public static string? Validate(ModelCalendarIdeas answer, IReadOnlyList<int> days)
    {
        if (answer.Ideas is null || answer.Ideas.Count != days.Count
            || !answer.Ideas.Select(i => i.Day).Order().SequenceEqual(days.Order()))
        {
            return $"ideas must hold exactly one idea for each of the days {string.Join(", ", days)}";
        }
        return answer.Ideas.Select(i =>
                ModelChecks.Text(i.Title, $"title of day {i.Day}", Limits.Title)
                ?? ModelChecks.Text(i.Format, $"format of day {i.Day}", 100)
                ?? ModelChecks.Text(i.Angle, $"angle of day {i.Day}", Limits.Description))
            .FirstOrDefault(problem => problem is not null);
    }
}
