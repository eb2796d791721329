namespace ContentPlatform.Data.Entities;

public sealed class ContentItem
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Title { get; set; }
    public required string Type { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    // The documents' "__v": incremented on every update.
    public int Version { get; set; }
}

public static class ContentTypes
{
    public const string BlogPostOutline = "Blog Post Outline";
    public const string ProductDescription = "Product Description";
    public const string SocialMediaCaption = "Social Media Caption";

    public static readonly IReadOnlyList<string> All = [BlogPostOutline, ProductDescription, SocialMediaCaption];

    public static bool IsValid(string? type) => type is not null && All.Contains(type);
}
