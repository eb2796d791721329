namespace ContentPlatform.Generation.Calendars;

// One day of the 30-day calendar, as saved in audiences.content_ideas (camelCase JSON, date as "yyyy-MM-dd").
public sealed record ContentIdea(
    int Day,
    DateOnly Date,
    string Title,
    string Format,
    string Angle,
    string StrategyId,
    IReadOnlyList<string> Keywords);

public sealed record ContentCalendar(Guid AudienceId, IReadOnlyList<ContentIdea> Ideas, DateTime GeneratedAt);

// A way of talking to the audience; the calendar's days rotate through the strategies.
public sealed record CalendarStrategy(string Id, string Name, string Goal);

// The granular fields of a content-calendar job's progress-update event.
public sealed record ContentCalendarProgress(
    int Progress,
    string CurrentStep,
    string Phase,
    int StrategyIndex,
    int StrategyTotal,
    string StrategyId,
    int EstimatedTimeRemaining);

public static class CalendarPhases
{
    public const string Audience = "audience";
    public const string Organization = "organization";
    public const string Keywords = "keywords";
    public const string Generating = "generating";
    public const string Saving = "saving";

    public static readonly IReadOnlyList<string> InOrder = [Audience, Organization, Keywords, Generating, Saving];
}
