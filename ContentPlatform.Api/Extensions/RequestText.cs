using System.Text.Json;
using ContentPlatform.Api.Jobs;
using Microsoft.Extensions.Primitives;

namespace ContentPlatform.Api.Extensions;

// Text PostgreSQL cannot store is refused at the edge with a 400, wherever a client can put it: the path,
// the query string, the headers (UseRequestTextCheck) and every key and value of a JSON body (JsonBody).
// PostgreSQL refuses a NUL character in text, and Npgsql refuses to encode a lone UTF-16 surrogate.
public static class RequestText
{
    public const string Unstorable = "Text must not contain NUL characters or invalid Unicode";

    public static bool IsStorable(ReadOnlySpan<char> text) =>
        !text.Contains('\0') && (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0 || HasOnlyPairedSurrogates(text));

    // Every string (keys included) of a JSON document; GetString and Name throw on a lone surrogate escape.
    public static bool IsStorable(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => IsStorable(element.GetString()),
                JsonValueKind.Object => element.EnumerateObject().All(p => IsStorable(p.Name) && IsStorable(p.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(IsStorable),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static IApplicationBuilder UseRequestTextCheck(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (IsStorable(context.Request))
            {
                await next(context);
                return;
            }
            await WriteRefusalAsync(context);
        });

    public static Task WriteRefusalAsync(HttpContext context) =>
        ErrorMessage.WriteAsync(context, StatusCodes.Status400BadRequest, ApiFailure.InvalidRequest, Unstorable);

    private static bool IsStorable(HttpRequest request)
    {
        if (!IsStorable(request.Path.Value) || !IsStorable(request.PathBase.Value))
        {
            return false;
        }
        foreach (var (key, values) in request.Query)
        {
            if (!IsStorable(key) || !AreStorable(values))
            {
                return false;
            }
        }
        foreach (var (_, values) in request.Headers)
        {
            if (!AreStorable(values))
            {
                return false;
            }
        }
        return true;
    }

    private static bool AreStorable(StringValues values)
    {
        foreach (var value in values)
        {
            if (!IsStorable(value))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsStorable(string? text) => text is null || IsStorable(text.AsSpan());

    private static bool HasOnlyPairedSurrogates(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
