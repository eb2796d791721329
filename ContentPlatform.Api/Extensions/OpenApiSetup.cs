using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Jobs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ContentPlatform.Api.Extensions;

// The OpenAPI document (/openapi/v1.json) that frontends generate their clients from, linted clean by Redocly's
// recommended rules. Served with the Scalar UI (/scalar) in Development; outside it, the document alone (read-only)
// when OpenApi:ServeDocument is true, for API gateways that import it.
public static class OpenApiSetup
{
    public const string ServeDocumentSetting = "OpenApi:ServeDocument";
    public const string ServerUrlSetting = "OpenApi:ServerUrl";

    private const string BearerScheme = "Bearer";
    private const string SessionScheme = "SessionId";
    private const string TokenQueryScheme = "TokenQuery";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Auth"] = "Register, log in, and read the signed-in user. Login answers 429 to a client that tries too often.",
        ["Content"] = "The signed-in user's content library: blog post outlines, product descriptions and social media captions.",
        ["Generate content"] = "The Smart Content Generator: queue AI content generation (with its mandatory delay), follow the jobs, "
            + "and save a completed job's content to the library.",
        ["Events"] = "Live notifications over Server-Sent Events: `job_completed` when one of the user's generation jobs ends.",
        ["Jobs"] = "The async job API: start website-analysis and content-generation jobs, poll their status, follow them over "
            + "Server-Sent Events, retry and cancel them. Jobs belong to a signed-in user (JWT) or an anonymous visitor (`x-session-id`).",
        ["Audiences"] = "Audiences and their 30-day content calendars; requesting a calendar is idempotent.",
        ["Posts"] = "The blog posts content-generation jobs saved (`options.autoSave`).",
        ["Images"] = "Generated images (audience pictures): public, immutable, cacheable forever.",
        ["Content flywheel"] = "Topic suggestions for a theme and audience, then multi-asset generation (LinkedIn variants, blog, "
            + "email, one-pager, workshop outline) for the chosen topic, answered in the request. Open unless a secret is configured.",
    };

    public static void AddApiDocs(this IHostApplicationBuilder builder) =>
        builder.Services.AddOpenApi(options =>
        {
            // Socket.IO speaks its own protocol at /socket.io: not a REST operation a client can be generated for.
            options.ShouldInclude = description =>
                (description.GroupName is null || description.GroupName == options.DocumentName)
                && description.RelativePath?.StartsWith("socket.io", StringComparison.OrdinalIgnoreCase) != true;
            // Free-form JSON (a job's result, a topic) is written in place as "any value", not as a component named JsonElement.
            options.CreateSchemaReferenceId = type =>
                (Nullable.GetUnderlyingType(type.Type) ?? type.Type) == typeof(JsonElement) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(DescribeOperation);
            options.AddSchemaTransformer(DescribeSchema);
        });

    public static void MapApiDocs(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
            app.MapScalarApiReference();
        }
        else if (app.Configuration.GetValue<bool>(ServeDocumentSetting))
        {
            app.MapOpenApi();
        }
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "ContentPlatform API",
            Version = "1.0.0",
            Description = "The backend of an AI content product: accounts, a content library, and AI generation run as jobs "
                + "that clients follow over Server-Sent Events, Socket.IO (`job_completed`, at `/socket.io`, not described here) "
                + "or by polling. Errors of `/auth`, `/content` and `/generate-content` are `{ \"message\" }`; errors of `/api/v1` are "
                + "`{ \"success\": false, \"error\", \"message\" }`.",
            License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
        };
        // The generated server URL is the address the document was fetched at (localhost in development) with a trailing
        // slash. The API is where the document is, so the URL is relative: just the path base ("/" when there is none),
        // unless OpenApi:ServerUrl names the public address (an API gateway's).
        var configured = context.ApplicationServices.GetRequiredService<IConfiguration>()[ServerUrlSetting];
        foreach (var server in document.Servers ?? [])
        {
            var pathBase = Uri.TryCreate(server.Url, UriKind.Absolute, out var url) ? url.AbsolutePath.TrimEnd('/') : "";
            server.Url = configured is { Length: > 0 } ? configured.TrimEnd('/') : pathBase is "" ? "/" : pathBase;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The `token` that register and login answer, as `Authorization: Bearer <token>` (valid 30 days).",
            },
            [SessionScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Caller.SessionHeader,
                Description = "An anonymous visitor's session id (any string of at most 128 characters chosen by the client), "
                    + "accepted where the /api/v1 endpoints let anonymous visitors own jobs and audiences.",
            },
            [TokenQueryScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Query,
                Name = TokenFromQueryMetadata.QueryName,
                Description = "The JWT as `?token=<token>`, accepted only on the Server-Sent Events endpoints (EventSource cannot send headers).",
            },
        };
        document.Security = null;

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }
        return Task.CompletedTask;
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Security = SecurityOf(metadata, context.Document);

        // The generator leaves the answers' own descriptions out: it writes the reason phrase.
        operation.Responses ??= [];
        foreach (var answer in metadata.OfType<IProducesResponseTypeMetadata>())
        {
            if (answer.Description is { } description && operation.Responses.TryGetValue(answer.StatusCode.ToString(), out var response)
                && response is OpenApiResponse described)
            {
                described.Description = description;
            }
        }

        // Cross-cutting answers (RequestBodyLimit, ApiExceptionHandler), in the documents' { "message" } shape everywhere.
        if (operation.RequestBody is not null)
        {
            operation.Responses.TryAdd("413", MessageResponse($"The body is over {RequestBodyLimit.MaxBytes / 1024 / 1024} MB: \"{ErrorMessage.BodyTooLarge}\".", context.Document));
        }
        operation.Responses.TryAdd("500", MessageResponse($"An unexpected failure: \"{ErrorMessage.ServerError}\", without details.", context.Document));

        if (metadata.OfType<RequestExampleMetadata>().LastOrDefault() is { } example
            && operation.RequestBody?.Content?.TryGetValue("application/json", out var json) == true)
        {
            json.Example = example.Example.DeepClone();
        }
        return Task.CompletedTask;
    }

    private static OpenApiResponse MessageResponse(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(ErrorMessage), document) },
        },
    };

    // Who may call: a signed-in user (Bearer, or ?token= where the endpoint takes it), an anonymous session, or anyone.
    private static List<OpenApiSecurityRequirement> SecurityOf(IList<object> metadata, OpenApiDocument? document)
    {
        var callers = metadata.OfType<ApiCallersMetadata>().LastOrDefault()?.Callers
            ?? (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any() ? ApiCallers.SignedInUser : ApiCallers.Anyone);
        if (callers == ApiCallers.Anyone)
        {
            // An empty requirement: no credentials needed.
            return [new OpenApiSecurityRequirement()];
        }
        var schemes = new List<string>();
        if (callers.HasFlag(ApiCallers.SignedInUser))
        {
            schemes.Add(BearerScheme);
            if (metadata.OfType<TokenFromQueryMetadata>().Any())
            {
                schemes.Add(TokenQueryScheme);
            }
        }
        if (callers.HasFlag(ApiCallers.AnonymousSession))
        {
            schemes.Add(SessionScheme);
        }
        return schemes.ConvertAll(scheme => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] });
    }

    private static Task DescribeSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // Numbers are read from strings too (the web defaults), which the generator writes as "integer or string with a
        // pattern"; clients should send and expect numbers.
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        // Timestamps are written by our own converter (ISO 8601 with milliseconds), which hides their type from the generator.
        var clrType = context.JsonPropertyInfo?.PropertyType ?? context.JsonTypeInfo.Type;
        if (clrType == typeof(DateTime) || clrType == typeof(DateTime?))
        {
            schema.Type = clrType == typeof(DateTime?) ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = "date-time";
        }

        if (context.JsonPropertyInfo?.AttributeProvider is { } attributes)
        {
            if (attributes.GetCustomAttributes(typeof(AllowedValuesAttribute), inherit: false) is [AllowedValuesAttribute allowed, ..])
            {
                schema.Enum = allowed.Values.Select(value => JsonSerializer.SerializeToNode(value)!).ToList();
            }
            if (attributes.IsDefined(typeof(EmailAddressAttribute), inherit: false))
            {
                schema.Format = "email";
            }
        }

        // Required means "always there": a nullable property may be left out of a request, and a property written only
        // when it has a value is left out of a response.
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Required is { Count: > 0 } required)
        {
            foreach (var member in context.JsonTypeInfo.Properties)
            {
                if (member.ShouldSerialize is not null || member.IsGetNullable || Nullable.GetUnderlyingType(member.PropertyType) is not null)
                {
                    required.Remove(member.Name);
                }
            }
        }
        return Task.CompletedTask;
    }
}

// Who may call an endpoint, for the document's security requirements (the endpoint checks it itself).
[Flags]
public enum ApiCallers
{
    Anyone = 0,
    SignedInUser = 1,
    AnonymousSession = 2,
}

public sealed record ApiCallersMetadata(ApiCallers Callers);

public sealed record RequestExampleMetadata(JsonNode Example);

// Endpoint metadata for the OpenAPI document only: nothing here changes what an endpoint does.
public static class OpenApiMetadata
{
    public const string NotSignedIn = $"Missing token (\"{AuthMessages.NoToken}\"), invalid or expired token (\"{AuthMessages.NotAuthorized}\"), "
        + $"or a user who no longer exists (\"{AuthMessages.UserNotFound}\").";

    public static TBuilder CalledBy<TBuilder>(this TBuilder builder, ApiCallers callers) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiCallersMetadata(callers));

    // The example request body, from the contract documents.
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, object example) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExampleMetadata(JsonSerializer.SerializeToNode(example, JsonSerializerOptions.Web)!));

    // An answer of /auth, /content and /generate-content: { "message" }.
    public static TBuilder AnswersMessage<TBuilder>(this TBuilder builder, int status, string description) where TBuilder : IEndpointConventionBuilder =>
        builder.Answers<TBuilder, ErrorMessage>(status, description);

    // An answer of /api/v1: { "success": false, "error", "message" }.
    public static TBuilder AnswersFailure<TBuilder>(this TBuilder builder, int status, string description) where TBuilder : IEndpointConventionBuilder =>
        builder.Answers<TBuilder, ApiFailure>(status, description);

    public static TBuilder Answers<TBuilder, TResponse>(this TBuilder builder, int status, string description, string contentType = "application/json")
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(TResponse), [contentType]) { Description = description });
}
