using System.Security.Claims;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Api.Content;

public static class ContentApi
{
    public static RouteGroupBuilder MapContentApi(this IEndpointRouteBuilder app)
    {
        var content = app.MapGroup("/content").WithTags("Content").RequireAuthorization()
            .AnswersMessage(StatusCodes.Status401Unauthorized, OpenApiMetadata.NotSignedIn);
        content.MapGet("", List)
            .WithName("listContent")
            .WithSummary("Get all content")
            .WithDescription("Retrieves all content items for the authenticated user, newest first (`createdAt` descending). "
                + "`search` filters on a keyword found in the title, type or body (case-insensitive, literal text).");
        content.MapPost("", Create).Accepts<CreateContentRequest>("application/json")
            .WithName("createContent")
            .WithSummary("Create content")
            .WithDescription("Creates a new content item in the user's library.")
            .WithRequestExample(new
            {
                title = "Premium Wireless Headphones",
                type = ContentTypes.ProductDescription,
                body = "Experience crystal-clear audio with our premium wireless headphones. Features include:\n\n- 40-hour battery life\n"
                    + "- Active noise cancellation\n- Bluetooth 5.0 connectivity",
            })
            .AnswersMessage(StatusCodes.Status400BadRequest,
                $"Missing required fields (\"{ContentMessages.MissingFields}\"), an invalid content type (\"{ContentMessages.InvalidType}\"), "
                + "or a title or body too long.");
        var item = content.MapGroup("/{id}").AddEndpointFilter(OwnedItemFilter)
            .AnswersMessage(StatusCodes.Status404NotFound, $"No content with this id: \"{ContentMessages.NotFound}\".")
            .AnswersMessage(StatusCodes.Status401Unauthorized, $"{OpenApiMetadata.NotSignedIn} Also another user's item: \"{ContentMessages.NotOwner}\".");
        item.MapPut("", Update).Accepts<UpdateContentRequest>("application/json")
            .WithName("updateContent")
            .WithSummary("Update content")
            .WithDescription("Updates an existing content item by ID. Every field is optional; the ones given replace the stored ones.")
            .WithRequestExample(new { title = "Updated: Premium Wireless Headphones Pro", body = "Updated description with new features..." })
            .AnswersMessage(StatusCodes.Status400BadRequest,
                $"Not a JSON object (\"{ContentMessages.InvalidBody}\"), an empty or non-string field (\"{ContentMessages.InvalidFields}\"), "
                + $"an invalid content type (\"{ContentMessages.InvalidType}\"), or a title or body too long.");
        item.MapDelete("", Delete)
            .WithName("deleteContent")
            .WithSummary("Delete content")
            .WithDescription("Permanently deletes a content item by ID.");
        return content;
    }

    private static async Task<Ok<List<ContentResponse>>> List(
        string? search, ClaimsPrincipal principal, ContentDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var query = db.Content.AsNoTracking().Where(c => c.UserId == userId);
        if (!string.IsNullOrEmpty(search))
        {
            var pattern = $"%{EscapeLike(search)}%";
            query = query.Where(c =>
                EF.Functions.ILike(c.Title, pattern, LikeEscape)
                || EF.Functions.ILike(c.Type, pattern, LikeEscape)
                || EF.Functions.ILike(c.Body, pattern, LikeEscape));
        }

        var items = await query
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(items.ConvertAll(ContentResponse.From));
    }

    private static async Task<Results<Created<ContentResponse>, BadRequest<ErrorMessage>>> Create(
        JsonBody body, ClaimsPrincipal principal, ContentDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var title = body.GetString("title");
        var type = body.GetString("type");
        var text = body.GetString("body");
        if (string.IsNullOrWhiteSpace(title) || string.IsNullOrWhiteSpace(type) || string.IsNullOrWhiteSpace(text))
        {
            return BadRequest(ContentMessages.MissingFields);
        }
        if (Invalid(title, type, text) is { } problem)
        {
            return BadRequest(problem);
        }

        var now = time.UtcNowMilliseconds();
        var item = new ContentItem
        {
            Id = Guid.CreateVersion7(),
            UserId = principal.GetUserId(),
            Title = title,
            Type = type,
            Body = text,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Content.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/content/{item.Id}", ContentResponse.From(item));
    }

    private static async Task<Results<Ok<ContentResponse>, BadRequest<ErrorMessage>, NotFound<ErrorMessage>>> Update(
        string id, JsonBody body, ClaimsPrincipal principal, ContentDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var contentId = Guid.Parse(id);

        if (!body.IsObject)
        {
            return BadRequest(ContentMessages.InvalidBody);
        }
        if (!body.TryGetOptionalString("title", out var title)
            || !body.TryGetOptionalString("type", out var type)
            || !body.TryGetOptionalString("body", out var text)
            || IsBlank(title) || IsBlank(type) || IsBlank(text))
        {
            return BadRequest(ContentMessages.InvalidFields);
        }
        if (Invalid(title, type, text) is { } problem)
        {
            return BadRequest(problem);
        }

        var now = time.UtcNowMilliseconds();
        var updated = await db.Content
            .Where(c => c.Id == contentId && c.UserId == userId)
            .ExecuteUpdateAsync(setters =>
            {
                if (title is not null)
                {
                    setters.SetProperty(c => c.Title, title);
                }
                if (type is not null)
                {
                    setters.SetProperty(c => c.Type, type);
                }
                if (text is not null)
                {
                    setters.SetProperty(c => c.Body, text);
                }
                setters.SetProperty(c => c.UpdatedAt, now);
                setters.SetProperty(c => c.Version, c => c.Version + 1);
            }, cancellationToken);

        var item = updated == 0 ? null : await db.Content.AsNoTracking().FirstOrDefaultAsync(c => c.Id == contentId, cancellationToken);
        return item is null ? NotFound() : TypedResults.Ok(ContentResponse.From(item));
    }

    private static async Task<Results<Ok<DeletedContentResponse>, NotFound<ErrorMessage>>> Delete(
        string id, ClaimsPrincipal principal, ContentDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var contentId = Guid.Parse(id);

        var deleted = await db.Content.Where(c => c.Id == contentId && c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? NotFound() : TypedResults.Ok(new DeletedContentResponse(contentId));
    }

    // Runs before the item endpoints: a malformed id is just an id that matches nothing (404, like a missing item),
    // and another user's item is refused with 401 "User not authorized", before the body is even looked at.
    private static async ValueTask<object?> OwnedItemFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!Guid.TryParse(http.GetRouteValue("id") as string, out var contentId))
        {
            return NotFound();
        }
        var db = http.RequestServices.GetRequiredService<ContentDbContext>();
        var owner = await db.Content.Where(c => c.Id == contentId).Select(c => (Guid?)c.UserId).FirstOrDefaultAsync(http.RequestAborted);
        return owner is null ? NotFound()
            : owner != http.User.GetUserId() ? TypedResults.Json(new ErrorMessage(ContentMessages.NotOwner), statusCode: StatusCodes.Status401Unauthorized)
            : await next(context);
    }

    private static NotFound<ErrorMessage> NotFound() => TypedResults.NotFound(new ErrorMessage(ContentMessages.NotFound));

    private static bool IsBlank(string? value) => value is not null && string.IsNullOrWhiteSpace(value);

    private static string? Invalid(string? title, string? type, string? text) =>
        type is not null && !ContentTypes.IsValid(type) ? ContentMessages.InvalidType
        : title?.Length > Limits.Title ? $"Title must have at most {Limits.Title} characters"
        : text?.Length > Limits.Body ? $"Body must have at most {Limits.Body} characters"
        : null;

    private const string LikeEscape = "\\";

    // The search is literal text: % and _ match themselves.
    private static string EscapeLike(string text) =>
        text.Replace(LikeEscape, LikeEscape + LikeEscape).Replace("%", LikeEscape + "%").Replace("_", LikeEscape + "_");

    private static BadRequest<ErrorMessage> BadRequest(string message) => TypedResults.BadRequest(new ErrorMessage(message));
}
