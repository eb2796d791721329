namespace ContentPlatform.Data.Entities;

// A group of people a business writes for; a website analysis saves one per scenario.
public sealed class Audience
{
    public Guid Id { get; set; }
    public Guid? UserId { get; set; }
    public string? SessionId { get; set; }
    public Guid? OrganizationId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? Pitch { get; set; }
    public Guid? ImageId { get; set; }
    public List<string> Keywords { get; set; } = [];
    // The full scenario a website analysis produced (targetSegment, customerProblem, ...), as JSON.
    public string? Scenario { get; set; }
    // The 30-day calendar: a JSON array of ideas (ContentPlatform.Generation.Calendars.ContentIdea).
    public string? ContentIdeas { get; set; }
    public DateTime? ContentCalendarGeneratedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
