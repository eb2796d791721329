using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContentPlatform.Api.Extensions;

// Timestamps as the documents write them: ISO 8601 in UTC with milliseconds, e.g. 2026-01-12T10:00:00.000Z.
public sealed class IsoTimestampConverter : JsonConverter<DateTime>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTime().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToUtc(value).ToString(Format, CultureInfo.InvariantCulture));

    // PostgreSQL timestamptz values come back as UTC; an unspecified kind is UTC too, never local time.
    private static DateTime ToUtc(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();
}

public static class Timestamps
{
    // Now, cut to the millisecond the API shows, so a value reads the same before and after a round trip to the database.
    public static DateTime UtcNowMilliseconds(this TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
