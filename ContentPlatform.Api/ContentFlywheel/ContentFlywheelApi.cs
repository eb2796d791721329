using ContentPlatform.Api.Extensions;
using ContentPlatform.Generation.Flywheel;
using ContentPlatform.Generation.ModelAccess;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContentPlatform.Api.ContentFlywheel;

// The content flywheel (document 004): topic suggestions, then several assets for the chosen topic, answered in the
// same request. Open to any caller unless ContentApi:Secret is set; CORS from ContentApi:AllowedOrigins.
public static class ContentFlywheelApi
{
    public const string Tag = "Content flywheel";

    public static RouteGroupBuilder MapContentFlywheelApi(this IEndpointRouteBuilder app)
    {
        var content = app.MapGroup("/api/content")
            .WithTags(Tag)
            .RequireCors(CorsSetup.ContentApiPolicyName)
            .AddEndpointFilter(ContentApiSecret.RequireAsync);

        content.MapPost("/topics", SuggestTopics)
            .WithName("suggestContentTopics")
            .WithSummary("Suggest topics")
            .WithDescription(
                "Returns topic suggestions for a given theme and audience: 10 topic candidates, each with title, hook, persona, " +
                "why_it_matters, cta_type and difficulty, shaped by the goals, constraints and region. " +
                "Optional: Authorization: Bearer <CONTENT_API_SECRET> or X-Content-API-Secret: <secret> (if the endpoint is protected).")
            .Accepts<TopicSuggestionRequest>("application/json")
            .Produces<ContentApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ContentApiError>(StatusCodes.Status500InternalServerError);

        content.MapPost("/generate", GenerateAssets)
            .WithName("generateContentAssets")
            .WithSummary("Generate content assets")
            .WithDescription(
                "Generates content assets for a selected topic: one per requested type among linkedin (3 variants), blog, email, " +
                "onepager and workshop_outline, each with Markdown content, metadata.word_count, slug and suggested_filename. " +
                "When some asset types fail, the others are still returned with ok true and errors listing \"<type>: <reason>\"; " +
                "only when every type fails is the answer 500. Optional: same auth as topics (if protected).")
            .Accepts<AssetGenerationRequest>("application/json")
            .Produces<ContentApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ContentApiError>(StatusCodes.Status500InternalServerError);

        return content;
    }

    private static async Task<Results<Ok<TopicSuggestionResponse>, BadRequest<ValidationFailedResponse>, JsonHttpResult<ContentApiError>>> SuggestTopics(
        JsonBody body, FlywheelGenerator flywheel, CancellationToken cancellationToken)
    {
        if (ContentFlywheelValidation.ReadTopicRequest(body, out var errors) is not { } request)
        {
            return TypedResults.BadRequest(new ValidationFailedResponse(errors));
        }
        try
        {
            var topics = await flywheel.SuggestTopicsAsync(request, cancellationToken);
            return TypedResults.Ok(new TopicSuggestionResponse(true, topics.Select(TopicCandidate.From).ToList()));
        }
        catch (GenerationFailedException)
        {
            // FlywheelGenerator has logged the reason; the document fixes what the caller reads.
            return TypedResults.Json(ContentApiError.TopicsFailed, statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private static async Task<Results<Ok<AssetGenerationResponse>, BadRequest<ValidationFailedResponse>, JsonHttpResult<ContentApiError>>> GenerateAssets(
        JsonBody body, FlywheelGenerator flywheel, CancellationToken cancellationToken)
    {
        if (ContentFlywheelValidation.ReadAssetRequest(body, out var errors) is not { } request)
        {
            return TypedResults.BadRequest(new ValidationFailedResponse(errors));
        }
        var result = await flywheel.GenerateAssetsAsync(request, cancellationToken);
        if (result.Assets.Count == 0)
        {
            return TypedResults.Json(ContentApiError.AssetsFailed, statusCode: StatusCodes.Status500InternalServerError);
        }
        return TypedResults.Ok(new AssetGenerationResponse(
            true, request.Topic.Title, result.GeneratedAt, result.Assets.Select(ContentAsset.From).ToList(), result.Errors));
    }
}
