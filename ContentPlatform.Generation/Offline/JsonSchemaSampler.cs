using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContentPlatform.Generation.Offline;

// Builds a deterministic JSON instance of a JSON schema, so structured requests (ChatResponseFormatJson)
// get a valid answer offline: every property filled, arrays of a few items, strings that name the subject.
internal static class JsonSchemaSampler
{
    private const int MaxDepth = 16;
    private const int DefaultItems = 3;

    public static string Sample(JsonElement schema, string subject) =>
        (Build(schema, schema, OfflineText.Headline(subject), "value", "", 0) ?? JsonValue.Create("")).ToJsonString();

    // suffix numbers the strings inside the items of arrays, so list items differ: "Title 2 for ...".
    private static JsonNode? Build(JsonElement root, JsonElement schema, string subject, string name, string suffix, int depth)
    {
        if (depth > MaxDepth || schema.ValueKind != JsonValueKind.Object)
        {
            return JsonValue.Create($"{Humanize(name)}{suffix} for {subject}");
        }
        if (schema.TryGetProperty("$ref", out var reference) && Resolve(root, reference.GetString()) is { } target)
        {
            return Build(root, target, subject, name, suffix, depth + 1);
        }
        if (schema.TryGetProperty("const", out var constant))
        {
            return JsonNode.Parse(constant.GetRawText());
        }
        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            var chosen = values.EnumerateArray().FirstOrDefault(v => v.ValueKind != JsonValueKind.Null, values[0]);
            return JsonNode.Parse(chosen.GetRawText());
        }
        foreach (var keyword in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(keyword, out var options) && options.ValueKind == JsonValueKind.Array)
            {
                var option = options.EnumerateArray().FirstOrDefault(o => TypeOf(o) != "null", options[0]);
                return Build(root, option, subject, name, suffix, depth + 1);
            }
        }

        return TypeOf(schema) switch
        {
            "object" => BuildObject(root, schema, subject, suffix, depth),
            "array" => BuildArray(root, schema, subject, name, suffix, depth),
            "integer" => JsonValue.Create((long)Number(schema)),
            "number" => JsonValue.Create(Number(schema)),
            "boolean" => JsonValue.Create(true),
            "null" => null,
            _ => BuildString(schema, subject, name, suffix),
        };
    }

    private static JsonObject BuildObject(JsonElement root, JsonElement schema, string subject, string suffix, int depth)
    {
        var result = new JsonObject();
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                result[property.Name] = Build(root, property.Value, subject, property.Name, suffix, depth + 1);
            }
        }
        return result;
    }

    private static JsonArray BuildArray(JsonElement root, JsonElement schema, string subject, string name, string suffix, int depth)
    {
        var count = DefaultItems;
        if (schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var minItems))
        {
            count = Math.Max(count, minItems);
        }
        if (schema.TryGetProperty("maxItems", out var max) && max.TryGetInt32(out var maxItems))
        {
            count = Math.Min(count, maxItems);
        }

        var items = schema.TryGetProperty("items", out var itemSchema) ? itemSchema : default;
        var array = new JsonArray();
        for (var i = 1; i <= count; i++)
        {
            array.Add(Build(root, items, subject, Singular(name), $"{suffix} {i}", depth + 1));
        }
        return array;
    }

    private static JsonValue BuildString(JsonElement schema, string subject, string name, string suffix)
    {
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        var text = format switch
        {
            "date-time" => "2026-01-01T09:00:00.000Z",
            "date" => "2026-01-01",
            "time" => "09:00:00",
            "uri" or "url" => "https://example.com/",
            "email" => "hello@example.com",
            "uuid" => "00000000-0000-0000-0000-000000000000",
            _ => $"{Humanize(name)}{suffix} for {subject}",
        };
        if (schema.TryGetProperty("maxLength", out var max) && max.TryGetInt32(out var maxLength) && text.Length > maxLength)
        {
            text = text[..maxLength];
        }
        if (schema.TryGetProperty("minLength", out var min) && min.TryGetInt32(out var minLength) && text.Length < minLength)
        {
            text = text.PadRight(minLength, '.');
        }
        return JsonValue.Create(text);
    }

    private static double Number(JsonElement schema)
    {
        var value = schema.TryGetProperty("minimum", out var min) && min.TryGetDouble(out var minimum) ? Math.Max(minimum, 1) : 1;
        return schema.TryGetProperty("maximum", out var max) && max.TryGetDouble(out var maximum) ? Math.Min(value, maximum) : value;
    }

    // "type" is a name or a list of names such as ["string", "null"]; a nullable value gets its non-null type.
    private static string? TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _) ? "object" : null;
        }
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null") ?? "null"
            : type.GetString();
    }

    private static JsonElement? Resolve(JsonElement root, string? pointer)
    {
        if (pointer is null || !pointer.StartsWith('#'))
        {
            return null;
        }
        var current = root;
        foreach (var segment in pointer[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = segment.Replace("~1", "/").Replace("~0", "~");
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(key, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(key, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }
        return current;
    }

    private static string Humanize(string name)
    {
        var words = new List<char>(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '_' or '-')
            {
                words.Add(' ');
            }
            else
            {
                if (i > 0 && char.IsUpper(c) && char.IsLower(name[i - 1]))
                {
                    words.Add(' ');
                }
                words.Add(words.Count == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            }
        }
        return new string([.. words]);
    }

    private static string Singular(string name) =>
        name.EndsWith("ies", StringComparison.Ordinal) ? name[..^3] + "y"
        : name.EndsWith('s') && !name.EndsWith("ss", StringComparison.Ordinal) ? name[..^1]
        : name;
}
