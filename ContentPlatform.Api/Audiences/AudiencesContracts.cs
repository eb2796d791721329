using System.ComponentModel.DataAnnotations;
using ContentPlatform.Data;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContentPlatform.Api.Audiences;

public sealed record CreateAudienceRequest(
    [property: MinLength(1), MaxLength(Limits.Name)] string Name,
    [property: MaxLength(Limits.Description)] string? Description,
    Guid? OrganizationId);

// An audience as document 000's frontend reads it: the row's own fields in snake_case. content_ideas is the 30-day
// calendar (null until generated); content_calendar_job_id is present only while a calendar job is queued or running.
public sealed record AudienceResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("pitch")] string? Pitch,
    [property: JsonPropertyName("image_url")] string? ImageUrl,
    [property: JsonPropertyName("keywords")] IReadOnlyList<string> Keywords,
    [property: JsonPropertyName("organization_id")] Guid? OrganizationId,
    [property: JsonPropertyName("scenario")] JsonElement? Scenario,
    [property: JsonPropertyName("content_ideas")] JsonElement? ContentIdeas,
    [property: JsonPropertyName("content_calendar_generated_at")] DateTime? ContentCalendarGeneratedAt,
    [property: JsonPropertyName("content_calendar_job_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? ContentCalendarJobId,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTime UpdatedAt);

public sealed record AudienceEnvelope(bool Success, AudienceResponse Audience);

public sealed record AudienceListEnvelope(bool Success, IReadOnlyList<AudienceResponse> Audiences);

public sealed record ContentCalendarJobResponse(
    bool Success,
    Guid JobId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

public static class AudienceMessages
{
    public const string NotFound = "Audience not found";
    public const string NotFoundDetail = "The audience does not exist or you do not have access to it";
    public const string AlreadyInProgress = "Content calendar job already in progress";
    public const string NameRequired = "name is required";
}
