using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ContentPlatform.Api.SocketIO;

public enum SocketPacketType
{
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
}

// A Socket.IO v5 packet in the default parser's text form, carried in an Engine.IO message:
// <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
public sealed record SocketPacket(SocketPacketType Type, string Namespace = SocketPacket.MainNamespace, JsonElement? Data = null, long? Id = null, int Attachments = 0)
{
    public const string MainNamespace = "/";

    // Ack ids are JavaScript numbers: refuse longer digit runs than a safe integer has.
    private const int MaxIdDigits = 15;

    public string Encode()
    {
        var text = new StringBuilder().Append((int)Type);
        if (Type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck)
        {
            text.Append(Attachments).Append('-');
        }
        if (Namespace != MainNamespace)
        {
            text.Append(Namespace).Append(',');
        }
        if (Id is { } id)
        {
            text.Append(id);
        }
        if (Data is { } data)
        {
            text.Append(data.GetRawText());
        }
        return text.ToString();
    }

    public static bool TryDecode(string text, out SocketPacket packet)
    {
        packet = null!;
        if (text.Length == 0 || text[0] is < '0' or > '6')
        {
            return false;
        }
        var type = (SocketPacketType)(text[0] - '0');
        var i = 1;

        var attachments = 0;
        if (type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck)
        {
            var dash = text.IndexOf('-', i);
            if (dash < 0 || !int.TryParse(text.AsSpan(i, dash - i), NumberStyles.None, CultureInfo.InvariantCulture, out attachments))
            {
                return false;
            }
            i = dash + 1;
        }

        var nsp = MainNamespace;
        if (i < text.Length && text[i] == '/')
        {
            var comma = text.IndexOf(',', i);
            var end = comma < 0 ? text.Length : comma;
            nsp = text[i..end];
            i = comma < 0 ? end : end + 1;
        }

        long? id = null;
        var digits = i;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }
        if (digits > i)
        {
            if (digits - i > MaxIdDigits)
            {
                return false;
            }
            id = long.Parse(text.AsSpan(i, digits - i), CultureInfo.InvariantCulture);
            i = digits;
        }

        JsonElement? data = null;
        if (i < text.Length)
        {
            try
            {
                using var document = JsonDocument.Parse(text.AsMemory(i));
                data = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return false;
            }
        }

        packet = new SocketPacket(type, nsp, data, id, attachments);
        return IsValid(packet);
    }

    // The payload each type allows (socket.io-parser's rules): anything else is a malformed packet.
    private static bool IsValid(SocketPacket packet) => packet.Type switch
    {
        SocketPacketType.Connect => packet.Data is null || packet.Data.Value.ValueKind == JsonValueKind.Object,
        SocketPacketType.Disconnect => packet.Data is null,
        SocketPacketType.ConnectError => packet.Data?.ValueKind is JsonValueKind.Object or JsonValueKind.String,
        SocketPacketType.Event or SocketPacketType.BinaryEvent => packet.Data is { ValueKind: JsonValueKind.Array } events
            && events.GetArrayLength() > 0 && events[0].ValueKind is JsonValueKind.String or JsonValueKind.Number,
        SocketPacketType.Ack or SocketPacketType.BinaryAck => packet.Data?.ValueKind == JsonValueKind.Array && packet.Id is not null,
        _ => false,
    };
}
