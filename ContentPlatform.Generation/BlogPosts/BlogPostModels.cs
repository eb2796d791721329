using System.Text.Json;
using ContentPlatform.Data.Entities;

namespace ContentPlatform.Generation.BlogPosts;

// The shapes of a content-generation job: what the Api enqueues and the result the job stores. The result's
// top-level fields are the documents' (data, savedPost, metadata, imageGeneration); the rest is ours (README).

// Topic and BusinessInfo are the request's objects as given (topic has at least a non-empty "title").
public sealed record ContentGenerationJobPayload(
    JsonElement Topic,
    JsonElement? BusinessInfo,
    Guid? OrganizationId,
    string? AdditionalInstructions,
    ContentGenerationOptions Options);

public sealed record ContentGenerationOptions(bool IncludeVisuals, bool AutoSave, string Status);

public sealed record BlogImage(string Url, string Alt, string Prompt, string Placement);

public sealed record BlogPostData(
    string Title,
    string Content,
    string Excerpt,
    string MetaDescription,
    IReadOnlyList<string> Tags,
    int WordCount,
    int ReadingTime,
    BlogImage? FeaturedImage);

public sealed record ContentGenerationMetadata(
    string Generator,
    DateTime GeneratedAt,
    string Topic,
    Guid? OrganizationId,
    int WordCount,
    int ReadingTime,
    bool AutoSaved);

// Status: "completed", "skipped" (includeVisuals was not set) or "failed" (Error says why; the post is kept).
public sealed record ImageGenerationSummary(bool Requested, string Status, IReadOnlyList<BlogImage> Images, string? Error = null);

public sealed record ContentGenerationResult(
    bool Success,
    BlogPostData Data,
    SavedPost? SavedPost,
    ContentGenerationMetadata Metadata,
    ImageGenerationSummary ImageGeneration);

// A saved blog post as the job result and the posts endpoints show it.
public sealed record SavedPost(
    Guid Id,
    string Title,
    string Content,
    string Status,
    JsonElement Metadata,
    Guid? OrganizationId,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static SavedPost From(Post post)
    {
        using var metadata = JsonDocument.Parse(post.Metadata);
        return new(post.Id, post.Title, post.Content, post.Status, metadata.RootElement.Clone(), post.OrganizationId,
            post.CreatedAt, post.UpdatedAt);
    }
}
