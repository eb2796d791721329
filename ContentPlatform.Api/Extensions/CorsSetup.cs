using ContentPlatform.Api.ContentFlywheel;

namespace ContentPlatform.Api.Extensions;

// The default policy, for every endpoint (REST, event streams, Socket.IO): origins from Cors:AllowedOrigins,
// a comma-separated string or an array; the frontend's http://localhost:3000 by default in Development.
// The content flywheel's endpoints have their own policy: they are called by workflows from anywhere.
// Socket.IO's long-polling requests (GET, and POST with text/plain) are simple requests: they get
// Access-Control-Allow-Origin from this policy without a preflight; WebSockets are not subject to CORS.
public static class CorsSetup
{
    public const string PolicyName = "frontend";
    public const string DevelopmentOrigin = "http://localhost:3000";
    public const string ContentApiPolicyName = "content-api";

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "OPTIONS"];
    private static readonly string[] Headers = ["Authorization", "Content-Type", "x-session-id", "Last-Event-ID"];
    private static readonly string[] ContentApiMethods = ["POST", "OPTIONS"];
    private static readonly string[] ContentApiHeaders = ["Content-Type", "Authorization", ContentApiOptions.SecretHeader];

    public static void AddFrontendCors(this IHostApplicationBuilder builder)
    {
        var origins = AllowedOrigins(builder.Configuration.GetSection("Cors:AllowedOrigins"));
        if (origins.Length == 0 && builder.Environment.IsDevelopment())
        {
            origins = [DevelopmentOrigin];
        }

        builder.Services.AddCors(cors => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins(origins)
            .WithMethods(Methods)
            .WithHeaders(Headers)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }

    // Origins from ContentApi:AllowedOrigins like Cors:AllowedOrigins; any origin ("*") when unset or when it lists "*".
    public static void AddContentApiCors(this IHostApplicationBuilder builder)
    {
        var origins = AllowedOrigins(builder.Configuration.GetSection($"{ContentApiOptions.SectionName}:AllowedOrigins"));
        builder.Services.AddCors(cors => cors.AddPolicy(ContentApiPolicyName, policy =>
        {
            if (origins.Length == 0 || origins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(origins);
            }
            policy.WithMethods(ContentApiMethods).WithHeaders(ContentApiHeaders).SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));
    }

    private static string[] AllowedOrigins(IConfigurationSection section)
    {
        var values = section.Value is { } joined ? [joined] : section.GetChildren().Select(c => c.Value ?? "");
        return values
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(origin => origin.TrimEnd('/'))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }
}
