namespace ContentPlatform.Data.Entities;

// A blog post a content-generation job saved (the documents' savedPost).
public sealed class Post
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid? OrganizationId { get; set; }
    public required string Title { get; set; }
    public required string Content { get; set; }
    public string Status { get; set; } = PostStatus.Draft;
    public string Metadata { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class PostStatus
{
    public const string Draft = "draft";
    public const string Published = "published";

    public static bool IsValid(string? status) => status is Draft or Published;
}
