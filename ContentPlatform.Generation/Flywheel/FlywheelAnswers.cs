using ContentPlatform.Generation.BlogPosts;
using ContentPlatform.Generation.WebsiteAnalysis;

namespace ContentPlatform.Generation.Flywheel;

// What the model is asked to return, with the checks its answer must pass before it is used.

internal sealed record ModelTopic(string Title, string Hook, string Persona, string WhyItMatters, string CtaType, string Difficulty)
{
    public TopicIdea ToIdea() =>
        new(Title.Trim(), Hook.Trim(), Persona.Trim(), WhyItMatters.Trim(), CtaType.Trim(), Difficulty.Trim().ToLowerInvariant());
}

internal sealed record ModelTopics(List<ModelTopic> Topics)
{
    public const int Count = 10;
    private const int MaxTitleLength = 200;
    private const int MaxTextLength = 1_000;

    public static string? Validate(ModelTopics answer)
    {
        if (answer.Topics is not { Count: Count } || answer.Topics.Contains(null!))
        {
            return $"topics must hold exactly {Count} topics";
        }
        var problem = answer.Topics.Select((t, i) =>
                ModelChecks.Text(t.Title, $"topics[{i}].title", MaxTitleLength)
                ?? ModelChecks.Text(t.Hook, $"topics[{i}].hook", MaxTextLength)
                ?? ModelChecks.Text(t.Persona, $"topics[{i}].persona", MaxTitleLength)
                ?? ModelChecks.Text(t.WhyItMatters, $"topics[{i}].whyItMatters", MaxTextLength)
                ?? ModelChecks.Text(t.CtaType, $"topics[{i}].ctaType", MaxTitleLength)
                ?? (t.Difficulty is { } difficulty && TopicDifficulties.All.Contains(difficulty.Trim().ToLowerInvariant())
                    ? null
                    : $"topics[{i}].difficulty must be one of {string.Join(", ", TopicDifficulties.All)}"))
            .FirstOrDefault(p => p is not null);
        if (problem is not null)
        {
            return problem;
        }
        return answer.Topics.Select(t => t.Title.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == Count
            ? null
            : "the topic titles must all be different";
    }
}

internal sealed record ModelLinkedInPost(string Variant, string Content);

internal sealed record ModelLinkedInPosts(List<ModelLinkedInPost> Posts)
{
    public static string? Validate(ModelLinkedInPosts answer)
    {
        var count = AssetKind.LinkedInVariants.Count;
        if (answer.Posts is null || answer.Posts.Count != count || answer.Posts.Contains(null!))
        {
            return $"posts must hold exactly {count} posts";
        }
        var kind = AssetKind.ByType[AssetTypes.LinkedIn];
        var problem = answer.Posts.Select((p, i) =>
                ModelChecks.Text(p.Variant, $"posts[{i}].variant", 40)
                ?? ModelAsset.CheckContent(p.Content, $"posts[{i}].content", kind))
            .FirstOrDefault(p => p is not null);
        if (problem is not null)
        {
            return problem;
        }
        return answer.Posts.Select(p => AssetNaming.Slug(p.Variant)).Distinct().Count() == count
            ? null
            : "the posts' variant names must all be different";
    }
}

internal sealed record ModelAsset(string Title, string Content)
{
    public static string? Validate(ModelAsset answer, AssetKind kind) =>
        ModelChecks.Text(answer.Title, "title", AssetKind.MaxTitleLength) ?? CheckContent(answer.Content, "content", kind);

    public static string? CheckContent(string? content, string field, AssetKind kind)
    {
        if (ModelChecks.Text(content, field, kind.MaxCharacters) is { } problem)
        {
            return problem;
        }
        var words = BlogPostGenerator.CountWords(content!);
        return words < kind.MinWords ? $"{field} has {words} words; a {kind.Name} needs at least {kind.MinWords}" : null;
    }
}
