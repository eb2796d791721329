using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace ContentPlatform.Generation.Images;

// The smallest PNG writer that is still a valid PNG: 8-bit RGB, no interlace, every row "Up"-filtered
// (smooth vertical change compresses well).
public static class PngEncoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private const byte FilterUp = 2;

    public static byte[] EncodeRgb(int width, int height, ReadOnlySpan<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var stride = width * 3;
        if (rgb.Length != stride * height)
        {
            throw new ArgumentException($"Expected {stride * height} bytes of RGB pixels, got {rgb.Length}.", nameof(rgb));
        }

        using var png = new MemoryStream();
        png.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bits per sample
        header[9] = 2; // colour type: truecolour
        header[10] = 0; // compression: deflate
        header[11] = 0; // filtering: adaptive (per-row filter byte)
        header[12] = 0; // no interlace
        WriteChunk(png, "IHDR"u8, header);

        WriteChunk(png, "IDAT"u8, CompressRows(width, height, rgb));
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static ReadOnlySpan<byte> CompressRows(int width, int height, ReadOnlySpan<byte> rgb)
    {
        var stride = width * 3;
        var filtered = new byte[stride + 1];
        filtered[0] = FilterUp;
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                var row = rgb.Slice(y * stride, stride);
                var above = y == 0 ? default : rgb.Slice((y - 1) * stride, stride);
                for (var x = 0; x < stride; x++)
                {
                    filtered[x + 1] = (byte)(row[x] - (y == 0 ? 0 : above[x]));
                }
                zlib.Write(filtered);
            }
        }
        return compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
    }

    private static void WriteChunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        png.Write(word);
        png.Write(type);
        png.Write(data);

        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        png.Write(word);
    }
}
