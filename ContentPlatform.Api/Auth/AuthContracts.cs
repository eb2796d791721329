using System.ComponentModel.DataAnnotations;
using ContentPlatform.Data;
using System.Text.Json.Serialization;

namespace ContentPlatform.Api.Auth;

// Request shapes for the OpenAPI document; the handlers read bodies leniently (JsonBody) and enforce the same bounds.
public sealed record RegisterRequest(
    [property: MinLength(1), MaxLength(Limits.Name)] string Name,
    [property: EmailAddress, MaxLength(Limits.Email)] string Email,
    [property: MinLength(1), MaxLength(Limits.Password)] string Password);

public sealed record LoginRequest([property: MinLength(1)] string Email, [property: MinLength(1)] string Password);

public sealed record AuthResponse([property: JsonPropertyName("_id")] Guid Id, string Name, string Email, string Token);

public sealed record CurrentUserResponse(
    [property: JsonPropertyName("_id")] Guid Id,
    string Name,
    string Email,
    string Status,
    [property: JsonPropertyName("__v")] int Version);
