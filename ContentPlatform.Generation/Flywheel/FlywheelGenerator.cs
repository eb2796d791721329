using ContentPlatform.Generation.BlogPosts;
using ContentPlatform.Generation.ModelAccess;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPlatform.Generation.Flywheel;

// One piece of an asset before it is named: LinkedIn gives three (one per variant), every other type one.
internal sealed record AssetDraft(string? Variant, string Title, string Content);

// The content flywheel (document 004): ten topic suggestions, then the chosen topic as several assets.
// With a model, every answer is a typed JSON answer, validated and asked again once when invalid; offline, the
// templates answer. Each answer has its own timeout; asset types are generated concurrently up to a bound, and a
// type that fails is reported as "<type>: <reason>" while the others are still returned.
public sealed partial class FlywheelGenerator(
    IModelInfo model,
    TimeProvider time,
    IOptions<FlywheelOptions> options,
    ILogger<FlywheelGenerator> logger,
    IChatClient? chatClient = null)
{
    public const string TimedOut = "generation timed out";
    public const string Failed = "generation failed";

    public bool UsesModel => !model.IsOffline && chatClient is not null;

    private string Generator => UsesModel ? "model" : "offline";

    // Throws GenerationFailedException with a readable reason when no valid topic list came back in time.
    public async Task<IReadOnlyList<TopicIdea>> SuggestTopicsAsync(TopicRequest request, CancellationToken cancellationToken)
    {
        if (!UsesModel)
        {
            return OfflineFlywheel.Topics(request);
        }

        var (answer, failure) = await AttemptAsync("topics", token => StructuredOutput.GetAsync<ModelTopics>(
            chatClient!, FlywheelPrompts.Topics(request), ModelTopics.Validate, "topic list", token), cancellationToken);
        if (answer is null)
        {
            throw new GenerationFailedException(failure!, GenerationErrorCodes.TopicGenerationFailed);
        }
        return answer.Topics.ConvertAll(topic => topic.ToIdea());
    }

    // Never throws for a failed asset type: it is in Errors. Only the caller's cancellation escapes.
    public async Task<AssetGenerationResult> GenerateAssetsAsync(AssetRequest request, CancellationToken cancellationToken)
    {
        var generatedAt = time.GetUtcNow().UtcDateTime;
        var types = request.AssetTypes;
        var drafts = new IReadOnlyList<AssetDraft>?[types.Count];
        var failures = new string?[types.Count];

        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Value.MaxConcurrentAssets,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, types.Count), parallel, async (index, token) =>
            (drafts[index], failures[index]) = await AttemptAsync(types[index], t => DraftAsync(types[index], request, t), token));

        var assets = new List<GeneratedAsset>();
        var errors = new List<string>();
        for (var i = 0; i < types.Count; i++)
        {
            if (drafts[i] is { } drafted)
            {
                assets.AddRange(drafted.Select(draft => Named(types[i], draft, generatedAt)));
            }
            else
            {
                errors.Add($"{types[i]}: {failures[i]}");
            }
        }
        LogGenerated(logger, assets.Count, errors.Count, Generator);
        return new AssetGenerationResult(generatedAt, assets, errors);
    }

    private async Task<IReadOnlyList<AssetDraft>> DraftAsync(string type, AssetRequest request, CancellationToken cancellationToken)
    {
        if (!UsesModel)
        {
            return OfflineFlywheel.Assets(type, request);
        }

        var kind = AssetKind.ByType[type];
        var messages = FlywheelPrompts.Asset(kind, request);
        if (type == AssetTypes.LinkedIn)
        {
            var posts = await StructuredOutput.GetAsync<ModelLinkedInPosts>(
                chatClient!, messages, ModelLinkedInPosts.Validate, kind.Name, cancellationToken);
            return posts.Posts.ConvertAll(post => new AssetDraft(post.Variant, request.Topic.Title, post.Content.Trim()));
        }

        var asset = await StructuredOutput.GetAsync<ModelAsset>(
            chatClient!, messages, answer => ModelAsset.Validate(answer, kind), kind.Name, cancellationToken);
        return [new AssetDraft(null, asset.Title.Trim(), asset.Content.Trim())];
    }

    private GeneratedAsset Named(string type, AssetDraft draft, DateTime generatedAt)
    {
        var slug = AssetNaming.Slug(draft.Title);
        var variant = draft.Variant is null ? null : AssetNaming.Slug(draft.Variant);
        return new GeneratedAsset(type, variant, draft.Title, draft.Content, BlogPostGenerator.CountWords(draft.Content), slug,
            AssetNaming.SuggestedFilename(generatedAt, slug, variant), Generator);
    }

    // One model answer under its own timeout: the value, or the readable reason there is none.
    private async Task<(T? Value, string? Failure)> AttemptAsync<T>(
        string what, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) where T : class
    {
        using var timeout = new CancellationTokenSource(options.Value.AssetTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // WaitAsync: the timeout holds even against a client that ignores its cancellation token.
            return (await work(linked.Token).WaitAsync(linked.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, what, TimedOut, null);
            return (null, TimedOut);
        }
        catch (GenerationFailedException ex)
        {
            LogFailed(logger, what, ex.Message, ex);
            return (null, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, what, Failed, ex);
            return (null, Failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Content flywheel: {What} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string what, string reason, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Content flywheel: {AssetCount} assets, {ErrorCount} failed types ({Generator})")]
    private static partial void LogGenerated(ILogger logger, int assetCount, int errorCount, string generator);
}
