using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.Images;
using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Generation.WebsiteAnalysis;
using ContentPlatform.Jobs;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Generation.BlogPosts;

// Writes a blog post for the job's user, adds a featured image when includeVisuals, and saves it as a post when autoSave.
public sealed class ContentGenerationJobHandler(
    BlogPostGenerator writer, IImageGenerator images, ContentDbContext db, TimeProvider time) : IJobHandler
{
    public const string Writing = "Writing the blog post...";
    public const string Illustrating = "Generating images...";
    public const string Saving = "Saving the post...";

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = context.Payload<ContentGenerationJobPayload>();
        var userId = context.Job.UserId
            ?? throw new JobFailedException("A content-generation job belongs to a signed-in user.", "invalid_payload");
        var options = payload.Options;
        try
        {
            await context.ReportProgressAsync(new JobProgress(10, Writing, EstimatedTimeRemaining: writer.UsesModel ? 60 : 2));
            // An organization deleted (or never owned) since the request was accepted just leaves the post without one.
            var organization = payload.OrganizationId is { } organizationId
                ? await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId && o.UserId == userId, cancellationToken)
                : null;
            var brief = Brief(payload, organization);
            var draft = await writer.WriteAsync(brief, cancellationToken);

            var imageGeneration = new ImageGenerationSummary(false, "skipped", []);
            if (options.IncludeVisuals)
            {
                await context.ReportProgressAsync(new JobProgress(70, Illustrating, EstimatedTimeRemaining: writer.UsesModel ? 20 : 1));
                imageGeneration = await IllustrateAsync(draft, cancellationToken);
            }

            var wordCount = BlogPostGenerator.CountWords(draft.Content);
            var readingTime = Math.Max(1, (int)Math.Ceiling(wordCount / 200.0));
            var data = new BlogPostData(draft.Title, draft.Content, draft.Excerpt, draft.MetaDescription, draft.Tags,
                wordCount, readingTime, imageGeneration.Images.FirstOrDefault());

            SavedPost? saved = null;
            if (options.AutoSave)
            {
                await context.ReportProgressAsync(new JobProgress(90, Saving, EstimatedTimeRemaining: 1));
                saved = await SaveAsync(userId, organization?.Id, options.Status, data, context.Job.Id, cancellationToken);
            }
            var metadata = new ContentGenerationMetadata(writer.UsesModel ? "model" : "offline", time.GetUtcNow().UtcDateTime,
                brief.Title, organization?.Id, wordCount, readingTime, saved is not null);
            return new ContentGenerationResult(true, data, saved, metadata, imageGeneration);
        }
        catch (GenerationFailedException ex)
        {
            throw ex.ToJobFailure(cancellationToken);
        }
    }

    private static BlogPostBrief Brief(ContentGenerationJobPayload payload, Organization? organization)
    {
        var title = payload.Topic.GetProperty("title").GetString()!.Trim();
        var keywords = Strings(payload.Topic, "keywords")
            .Concat(payload.BusinessInfo is { } business ? Strings(business, "keywords") : [])
            .Concat(organization?.Keywords ?? [])
            .Select(k => k.Trim().ToLowerInvariant())
            .Where(k => k.Length is > 0 and <= 100)
            .Distinct()
            .Take(12)
            .ToList();
        return new BlogPostBrief(title, payload.Topic, payload.BusinessInfo, payload.AdditionalInstructions,
            organization?.Name, organization?.Description, organization?.BrandVoice, keywords);
    }

    private static IEnumerable<string> Strings(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)
            : [];

    // A picture that cannot be made does not cost the user the post: the summary says what went wrong.
    private async Task<ImageGenerationSummary> IllustrateAsync(BlogPostDraft draft, CancellationToken cancellationToken)
    {
        var prompt = $"Featured image for a blog post titled \"{draft.Title}\": {draft.Excerpt}";
        try
        {
            var image = await images.GenerateAsync(prompt, cancellationToken);
            return new ImageGenerationSummary(true, "completed", [new BlogImage(image.Url, draft.Title, prompt, "featured")]);
        }
        catch (GenerationFailedException ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new ImageGenerationSummary(true, "failed", [], ex.Message);
        }
    }

    private async Task<SavedPost> SaveAsync(
        Guid userId, Guid? organizationId, string status, BlogPostData data, Guid jobId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        // The post's id is the job's, so a job run again (taken over after a crash, or retried) updates its post
        // instead of saving a second one.
        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == jobId, cancellationToken);
        if (post is null)
        {
            post = new Post { Id = jobId, UserId = userId, Title = "", Content = "", CreatedAt = now };
            db.Posts.Add(post);
        }
        post.OrganizationId = organizationId;
        post.Title = Bounded(data.Title, Limits.Title);
        post.Content = Bounded(data.Content, Limits.Body);
        post.Status = status;
        post.Metadata = JsonSerializer.Serialize(new
        {
            data.Excerpt, data.MetaDescription, data.Tags, data.WordCount, data.ReadingTime, data.FeaturedImage, jobId,
        }, GenerationJson.Options);
        post.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return SavedPost.From(post);
    }

    private static string Bounded(string text, int maxLength) => text.Length <= maxLength ? text : text[..maxLength];
}
