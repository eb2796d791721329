using System.Text.Json.Serialization;

namespace ContentPlatform.Api.Auth;

public sealed record RegisterRequest(string Name, string Email, string Password);

public sealed record LoginRequest(string Email, string Password);

public sealed record AuthResponse([property: JsonPropertyName("_id")] Guid Id, string Name, string Email, string Token);

public sealed record CurrentUserResponse(
    [property: JsonPropertyName("_id")] Guid Id,
    string Name,
    string Email,
    string Status,
    [property: JsonPropertyName("__v")] int Version);
