using System.Text.Json;
using ContentPlatform.Api.SocketIO;

namespace ContentPlatform.Tests.SocketIO;

// Encoding and decoding as the Engine.IO v4 and Socket.IO v5 specifications show them.
public sealed class PacketTests
{
    [Theory]
    [InlineData("2", EnginePacketType.Ping, null)]
    [InlineData("2probe", EnginePacketType.Ping, "probe")]
    [InlineData("3probe", EnginePacketType.Pong, "probe")]
    [InlineData("4hello", EnginePacketType.Message, "hello")]
    [InlineData("5", EnginePacketType.Upgrade, null)]
    [InlineData("6", EnginePacketType.Noop, null)]
    [InlineData("1", EnginePacketType.Close, null)]
    public void An_engine_packet_round_trips_through_its_text_form(string text, EnginePacketType type, string? data)
    {
        Assert.True(EnginePacket.TryDecode(text, out var packet));

        Assert.Equal(new EnginePacket(type, data), packet);
        Assert.Equal(text, packet.EncodeText());
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("7")]
    public void Text_that_is_no_engine_packet_is_refused(string text) => Assert.False(EnginePacket.TryDecode(text, out _));

    [Fact]
    public void A_polling_payload_holds_several_packets_separated_by_the_record_separator()
    {
        Assert.True(EnginePacket.TryDecodePayload("4hello\u001e2\u001e4world", out var packets));

        Assert.Equal([EnginePacket.Message("hello"), new EnginePacket(EnginePacketType.Ping), EnginePacket.Message("world")], packets);
        Assert.Equal("4hello\u001e2\u001e4world", EnginePacket.EncodePayload(packets));
    }

    [Fact]
    public void Binary_data_in_a_polling_payload_is_base64_with_a_b_prefix()
    {
        Assert.True(EnginePacket.TryDecodePayload("4hello\u001ebAQIDBA==", out var packets));

        Assert.Equal([1, 2, 3, 4], packets[1].Binary);
        Assert.Equal(EnginePacketType.Message, packets[1].Type);
        Assert.Equal("4hello\u001ebAQIDBA==", EnginePacket.EncodePayload(packets));
    }

    [Theory]
    [InlineData("4hello\u001eabc")]
    [InlineData("b!!!")]
    [InlineData("")]
    public void A_polling_payload_with_a_malformed_packet_is_refused(string payload) =>
        Assert.False(EnginePacket.TryDecodePayload(payload, out _));

    [Theory]
    [InlineData("0", SocketPacketType.Connect, "/", null, null)]
    [InlineData("0{\"token\":\"123\"}", SocketPacketType.Connect, "/", "{\"token\":\"123\"}", null)]
    [InlineData("0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", SocketPacketType.Connect, "/admin", "{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", null)]
    [InlineData("4{\"message\":\"Not authorized\"}", SocketPacketType.ConnectError, "/", "{\"message\":\"Not authorized\"}", null)]
    [InlineData("2[\"foo\"]", SocketPacketType.Event, "/", "[\"foo\"]", null)]
    [InlineData("2/admin,[\"bar\"]", SocketPacketType.Event, "/admin", "[\"bar\"]", null)]
    [InlineData("212[\"foo\"]", SocketPacketType.Event, "/", "[\"foo\"]", 12L)]
    [InlineData("3/admin,13[\"bar\"]", SocketPacketType.Ack, "/admin", "[\"bar\"]", 13L)]
    [InlineData("1", SocketPacketType.Disconnect, "/", null, null)]
    [InlineData("1/admin,", SocketPacketType.Disconnect, "/admin", null, null)]
    public void A_socket_packet_round_trips_through_the_default_parsers_form(string text, SocketPacketType type, string nsp, string? data, long? id)
    {
        Assert.True(SocketPacket.TryDecode(text, out var packet));

        Assert.Equal(type, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(data, packet.Data?.GetRawText());
        Assert.Equal(id, packet.Id);
        Assert.Equal(text, packet.Encode());
    }

    [Fact]
    public void A_binary_event_counts_its_attachments()
    {
        Assert.True(SocketPacket.TryDecode("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", out var packet));

        Assert.Equal(SocketPacketType.BinaryEvent, packet.Type);
        Assert.Equal(2, packet.Attachments);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", packet.Encode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("9")]
    [InlineData("2{}")]
    [InlineData("2[]")]
    [InlineData("2[\"foo\"")]
    [InlineData("2abc[\"message\"]")]
    [InlineData("0[\"not an object\"]")]
    [InlineData("1{}")]
    [InlineData("3[]")]
    [InlineData("5[\"foo\"]")]
    [InlineData("21234567890123456[\"foo\"]")]
    public void A_malformed_socket_packet_is_refused(string text) => Assert.False(SocketPacket.TryDecode(text, out _));

    [Fact]
    public void An_event_is_encoded_once_with_its_name_and_argument()
    {
        var message = SocketIOEvent.Create("job_completed", new { jobId = "b84e", status = "completed" }, JsonSerializerOptions.Web);

        Assert.True(SocketPacket.TryDecode(message.Encoded, out var packet));
        Assert.Equal("2[\"job_completed\",{\"jobId\":\"b84e\",\"status\":\"completed\"}]", message.Encoded);
        Assert.Equal(SocketPacketType.Event, packet.Type);
    }
}
