namespace ContentPlatform.Data.Entities;

// A business, usually learned from its website by a website-analysis job.
public sealed class Organization
{
    public Guid Id { get; set; }
    public Guid? UserId { get; set; }
    public string? SessionId { get; set; }
    public required string Name { get; set; }
    public string? Url { get; set; }
    public string? BusinessType { get; set; }
    public string? Description { get; set; }
    public string? TargetAudience { get; set; }
    public string? BrandVoice { get; set; }
    public List<string> Keywords { get; set; } = [];
    public DateTime? LastAnalyzedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
