using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ContentPlatform.Generation.Images;

namespace ContentPlatform.Tests.Images;

public sealed class PngEncoderTests
{
    [Fact]
    public void The_same_prompt_gives_the_same_bytes_and_another_prompt_other_bytes()
    {
        var first = Render("Bakery for busy families");
        var again = Render("Bakery for busy families");
        var other = Render("Software for freelancers");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void The_image_is_a_valid_png_with_correct_chunk_checksums()
    {
        var png = Render("Bakery for busy families");

        Assert.Equal(PngEncoder.Signature.ToArray(), png[..8]);
        var chunks = ReadChunks(png);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        foreach (var chunk in chunks)
        {
            Assert.Equal(Crc32(Encoding.ASCII.GetBytes(chunk.Type).Concat(chunk.Data).ToArray()), chunk.Crc);
        }

        var header = chunks[0].Data;
        Assert.Equal(PromptArt.Width, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal(PromptArt.Height, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        Assert.Equal([8, 2, 0, 0, 0], header[8..]);

        // The pixel data inflates to one filter byte plus three bytes per pixel for every row.
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }
        Assert.Equal((PromptArt.Width * 3 + 1) * PromptArt.Height, inflated.Length);
    }

    [Fact]
    public void Decoding_the_up_filter_gives_back_the_pixels()
    {
        var rgb = PromptArt.RenderRgb("round trip");
        var chunks = ReadChunks(PngEncoder.EncodeRgb(PromptArt.Width, PromptArt.Height, rgb));
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }
        var data = inflated.ToArray();
        var stride = PromptArt.Width * 3;
        var decoded = new byte[rgb.Length];
        for (var y = 0; y < PromptArt.Height; y++)
        {
            Assert.Equal(2, data[y * (stride + 1)]);
            for (var x = 0; x < stride; x++)
            {
                var above = y == 0 ? 0 : decoded[(y - 1) * stride + x];
                decoded[y * stride + x] = (byte)(data[y * (stride + 1) + 1 + x] + above);
            }
        }
        Assert.Equal(rgb, decoded);
        Assert.True(rgb.Distinct().Count() > 16, "the picture is not a flat colour");
    }

    [Fact]
    public void A_pixel_buffer_of_the_wrong_size_is_refused() =>
        Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb(2, 2, new byte[11]));

    private static byte[] Render(string prompt) =>
        PngEncoder.EncodeRgb(PromptArt.Width, PromptArt.Height, PromptArt.RenderRgb(prompt));

    private sealed record Chunk(string Type, byte[] Data, uint Crc);

    private static List<Chunk> ReadChunks(byte[] png)
    {
        var chunks = new List<Chunk>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            chunks.Add(new Chunk(type, data, crc));
            offset += 12 + length;
        }
        return chunks;
    }

    // The PNG specification's CRC-32, bit by bit: independent of the encoder's System.IO.Hashing.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return crc ^ 0xFFFFFFFFu;
    }
}
