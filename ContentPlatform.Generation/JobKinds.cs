namespace ContentPlatform.Generation;

// The kinds of job the Api enqueues and the Worker's handlers run; each is a Redis stream of its own.
public static class JobKinds
{
    public const string GenerateContent = "generate-content";
    public const string WebsiteAnalysis = "website-analysis";
    public const string ContentGeneration = "content-generation";
    public const string ContentCalendar = "content-calendar";
}
