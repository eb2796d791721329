namespace ContentPlatform.Api.Auth;

public static class AuthMessages
{
    public const string NoToken = "Not authorized, no token";
    public const string NotAuthorized = "Not authorized";
    public const string UserNotFound = "User not found";
    public const string InvalidCredentials = "Invalid credentials";
    public const string UserExists = "User already exists";
    public const string MissingFields = "Please provide all fields";
    public const string InvalidEmail = "Please provide a valid email";
    public const string UserNotAuthorized = "User not authorized";
}
