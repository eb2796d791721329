using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ContentPlatform.Api.ContentFlywheel;

// Section "ContentApi" (shared with the generation settings of the flywheel). Without a secret the endpoints are
// open; CONTENT_API_SECRET, the documents' name, is read when ContentApi:Secret is not set.
public sealed class ContentApiOptions
{
    public const string SectionName = "ContentApi";
    public const string SecretVariable = "CONTENT_API_SECRET";
    public const string SecretHeader = "X-Content-API-Secret";

    public string? Secret { get; set; }

    public static void Add(IHostApplicationBuilder builder) =>
        builder.Services.AddOptions<ContentApiOptions>()
            .BindConfiguration(SectionName)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(options.Secret))
                {
                    options.Secret = configuration[SecretVariable] is { Length: > 0 } secret ? secret : null;
                }
            });
}

// The optional protection of the flywheel endpoints: when a secret is configured, a request must present it as
// "Authorization: Bearer <secret>" or "X-Content-API-Secret: <secret>", else 401 in the { ok: false } shape.
internal static class ContentApiSecret
{
    public static async ValueTask<object?> RequireAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var secret = http.RequestServices.GetRequiredService<IOptions<ContentApiOptions>>().Value.Secret;
        if (secret is null || Presents(http.Request, secret))
        {
            return await next(context);
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Json(ContentApiError.Unauthorized, statusCode: StatusCodes.Status401Unauthorized);
    }

    private static bool Presents(HttpRequest request, string secret)
    {
        var header = request.Headers[ContentApiOptions.SecretHeader].ToString();
        var authorization = request.Headers.Authorization.ToString();
        var bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : "";
        // Both are compared, every time, so the answer's timing says nothing about which header came close.
        var headerMatches = SameSecret(header, secret);
        var bearerMatches = SameSecret(bearer, secret);
        return headerMatches | bearerMatches;
    }

    // Compares hashes in constant time: equal lengths, and no early exit at the first differing byte.
    private static bool SameSecret(string presented, string secret) =>
        presented.Length > 0
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
