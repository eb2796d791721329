namespace ContentPlatform.Data;

// Bounds on stored strings; request validation uses the same numbers.
public static class Limits
{
    public const int Name = 200;
    public const int Email = 320;
    public const int Password = 1024;
    public const int Title = 500;
    public const int Body = 200_000;
    public const int Prompt = 2_000;
    public const int SessionId = 128;
    public const int Url = 2_048;
    public const int Description = 5_000;
}
