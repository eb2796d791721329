using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Api.Jobs;
using ContentPlatform.Data;
using ContentPlatform.Generation.BlogPosts;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Api.Posts;

// The blog posts content-generation jobs saved (autoSave), for the user they belong to.
public static class PostsApi
{
    public const string NotFoundMessage = "Post not found";

    public static RouteGroupBuilder MapPostsApiV1(this IEndpointRouteBuilder app)
    {
        var posts = app.MapGroup("/api/v1/posts").WithTags("Posts")
            .CalledBy(ApiCallers.SignedInUser)
            .AnswersFailure(StatusCodes.Status401Unauthorized, JobsApi.NotSignedIn);
        posts.MapGet("", List).Produces<PostListEnvelope>()
            .WithName("listPosts")
            .WithSummary("List saved blog posts")
            .WithDescription("The blog posts the user's content-generation jobs saved (`options.autoSave`), newest first.");
        posts.MapGet("/{id}", Get).Produces<PostEnvelope>()
            .WithName("getPost")
            .WithSummary("Get a saved blog post")
            .WithDescription("One of the user's saved blog posts.")
            .AnswersFailure(StatusCodes.Status404NotFound, $"No such post of this user: error \"{NotFoundMessage}\".");
        return posts;
    }

    private static async Task<IResult> List(HttpContext http, ContentDbContext db, CancellationToken cancellationToken)
    {
        if (http.User.TryGetUserId() is not { } userId)
        {
            return ApiFailure.NoCaller(http, AuthMessages.NoToken);
        }
        var posts = await db.Posts.AsNoTracking()
            .Where(p => p.UserId == userId)
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PostListEnvelope(true, posts.ConvertAll(SavedPost.From)));
    }

    private static async Task<IResult> Get(string id, HttpContext http, ContentDbContext db, CancellationToken cancellationToken)
    {
        if (http.User.TryGetUserId() is not { } userId)
        {
            return ApiFailure.NoCaller(http, AuthMessages.NoToken);
        }
        var post = Guid.TryParse(id, out var postId)
            ? await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId && p.UserId == userId, cancellationToken)
            : null;
        return post is null
            ? ApiFailure.Result(StatusCodes.Status404NotFound, NotFoundMessage, NotFoundMessage)
            : TypedResults.Ok(new PostEnvelope(true, SavedPost.From(post)));
    }
}

public sealed record PostEnvelope(bool Success, SavedPost Post);

public sealed record PostListEnvelope(bool Success, IReadOnlyList<SavedPost> Posts);
