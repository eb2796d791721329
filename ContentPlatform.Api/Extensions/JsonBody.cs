using System.Text.Json;

namespace ContentPlatform.Api.Extensions;

// A request body read leniently, for endpoints whose contract fixes the 400 for bad input: malformed JSON,
// a non-object, a missing body or a field of the wrong type never fail binding, so the endpoint decides
// the message. Take it as a handler parameter (minimal APIs call BindAsync) and document the expected
// shape with .Accepts<TRequest>("application/json").
// A body over RequestBodyLimit.MaxBytes throws BadHttpRequestException(413), and a body holding text the database
// cannot store (a NUL character, a lone surrogate, in a key or a value) throws UnstorableTextException (400):
// ApiExceptionHandler answers both.
public sealed class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };
    private static readonly JsonBody NotAnObject = new(null);

    private readonly JsonElement? _root;

    private JsonBody(JsonElement? root) => _root = root;

    // True when the body is a JSON object; false for no body, malformed JSON, an array or a scalar.
    public bool IsObject => _root is not null;

    public static async ValueTask<JsonBody> BindAsync(HttpContext context) =>
        Parse(await RequestBodyLimit.ReadAsync(context.Request, context.RequestAborted));

    public static JsonBody Parse(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json, DocumentOptions);
            if (!RequestText.IsStorable(document.RootElement))
            {
                throw new UnstorableTextException();
            }
            return document.RootElement.ValueKind == JsonValueKind.Object ? new JsonBody(document.RootElement.Clone()) : NotAnObject;
        }
        catch (JsonException)
        {
            return NotAnObject;
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check unescapes keys, and throws on a lone surrogate escape.
            throw new UnstorableTextException();
        }
    }

    // The field's value when it is a JSON string; null when absent, null, or of another type.
    public string? GetString(string name) =>
        TryGet(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // True when the field is present with a value other than null.
    public bool Has(string name) => TryGet(name, out var value) && value.ValueKind != JsonValueKind.Null;

    // For optional fields: true when the field is absent (or null) or a string; false when it has another type.
    public bool TryGetOptionalString(string name, out string? value)
    {
        value = GetString(name);
        return value is not null || !Has(name);
    }

    public bool TryGet(string name, out JsonElement value)
    {
        if (_root is { } root && root.TryGetProperty(name, out value))
        {
            return true;
        }
        value = default;
        return false;
    }
}
