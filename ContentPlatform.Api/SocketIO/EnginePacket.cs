using System.Text;

namespace ContentPlatform.Api.SocketIO;

public enum EnginePacketType
{
    Open = 0,
    Close = 1,
    Ping = 2,
    Pong = 3,
    Message = 4,
    Upgrade = 5,
    Noop = 6,
}

// An Engine.IO v4 packet: a type and an optional text or binary payload (only message packets carry binary).
// Frame, when given, is the packet's WebSocket text frame already encoded, for a packet sent to many clients.
public readonly record struct EnginePacket(EnginePacketType Type, string? Text = null, byte[]? Binary = null, byte[]? Frame = null)
{
    // Separates the packets of one HTTP long-polling payload.
    public const char Separator = '\x1e';

    public static EnginePacket Message(string text) => new(EnginePacketType.Message, text);

    // A WebSocket text frame, or one packet of a polling payload when not binary.
    public string EncodeText() => Binary is null
        ? (char)('0' + (int)Type) + Text
        : "b" + Convert.ToBase64String(Binary);

    public static string EncodePayload(IEnumerable<EnginePacket> packets)
    {
        var payload = new StringBuilder();
        foreach (var packet in packets)
        {
            if (payload.Length > 0)
            {
                payload.Append(Separator);
            }
            payload.Append(packet.EncodeText());
        }
        return payload.ToString();
    }

    // A WebSocket text frame: "<type>[<data>]".
    public static bool TryDecode(string text, out EnginePacket packet)
    {
        packet = default;
        if (text.Length == 0 || text[0] is < '0' or > '6')
        {
            return false;
        }
        packet = new EnginePacket((EnginePacketType)(text[0] - '0'), text.Length > 1 ? text[1..] : null);
        return true;
    }

    // An HTTP long-polling payload: packets separated by \x1e, binary ones as "b<base64>".
    public static bool TryDecodePayload(string payload, out List<EnginePacket> packets)
    {
        packets = [];
        foreach (var part in payload.Split(Separator))
        {
            if (part.StartsWith('b'))
            {
                var bytes = new byte[part.Length * 3 / 4];
                if (!Convert.TryFromBase64String(part[1..], bytes, out var written))
                {
                    return false;
                }
                packets.Add(new EnginePacket(EnginePacketType.Message, Binary: bytes[..written]));
            }
            else if (TryDecode(part, out var packet))
            {
                packets.Add(packet);
            }
            else
            {
                return false;
            }
        }
        return true;
    }
}
