namespace ContentPlatform.Data.Entities;

public sealed class User
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    // Lower-cased email: uniqueness is case-insensitive.
    public required string NormalizedEmail { get; set; }
    public required string PasswordHash { get; set; }
    public string Status { get; set; } = UserStatus.Active;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class UserStatus
{
    public const string Active = "active";
    public const string Inactive = "inactive";
}
