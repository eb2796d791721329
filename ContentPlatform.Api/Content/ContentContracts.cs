using System.ComponentModel.DataAnnotations;
using ContentPlatform.Data;
using System.Text.Json.Serialization;
using ContentPlatform.Data.Entities;

namespace ContentPlatform.Api.Content;

public sealed record CreateContentRequest(
    [property: MinLength(1), MaxLength(Limits.Title)] string Title,
    [property: AllowedValues(ContentTypes.BlogPostOutline, ContentTypes.ProductDescription, ContentTypes.SocialMediaCaption)] string Type,
    [property: MinLength(1), MaxLength(Limits.Body)] string Body);

public sealed record UpdateContentRequest(
    [property: MinLength(1), MaxLength(Limits.Title)] string? Title,
    [property: AllowedValues(ContentTypes.BlogPostOutline, ContentTypes.ProductDescription, ContentTypes.SocialMediaCaption)] string? Type,
    [property: MinLength(1), MaxLength(Limits.Body)] string? Body);

public sealed record ContentResponse(
    [property: JsonPropertyName("_id")] Guid Id,
    Guid UserId,
    string Title,
    string Type,
    string Body,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: JsonPropertyName("__v")] int Version)
{
    public static ContentResponse From(ContentItem item) =>
        new(item.Id, item.UserId, item.Title, item.Type, item.Body, item.CreatedAt, item.UpdatedAt, item.Version);
}

public sealed record DeletedContentResponse(Guid Id);

public static class ContentMessages
{
    public const string MissingFields = "Please provide all fields";
    public const string InvalidType = "Invalid content type";
    public const string NotFound = "Content not found";
    public const string NotOwner = "User not authorized";
    public const string InvalidBody = "Invalid request body";
    public const string InvalidFields = "Title, type and body must be non-empty strings";
}
