namespace ContentPlatform.Api.Auth;

// EventSource cannot send headers: endpoints marked with AllowTokenFromQuery() also accept ?token=<jwt>.
// Only those endpoints, so tokens do not end up in the URLs (and logs) of ordinary requests.
public sealed class TokenFromQueryMetadata
{
    public const string QueryName = "token";
    public static readonly TokenFromQueryMetadata Instance = new();

    private TokenFromQueryMetadata()
    {
    }
}

public static class TokenFromQueryExtensions
{
    public static TBuilder AllowTokenFromQuery<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TokenFromQueryMetadata.Instance);
}
