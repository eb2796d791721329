using System.Security.Cryptography;
using System.Text;

namespace ContentPlatform.Generation.Images;

// Draws a deterministic abstract picture for a prompt: a diagonal two-colour gradient with three soft
// discs, every colour and position taken from the prompt's SHA-256. Same prompt, same pixels.
public static class PromptArt
{
    public const int Width = 512;
    public const int Height = 256;

    public static byte[] RenderRgb(string prompt)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(prompt));
        var from = ColourFromHue(hash[0] * 360 / 256, saturation: 55, value: 92);
        var to = ColourFromHue((hash[0] * 360 / 256 + 90 + hash[1] % 120) % 360, saturation: 70, value: 55);
        var discs = Enumerable.Range(0, 3).Select(i => new Disc(
            X: hash[2 + i * 4] * Width / 256,
            Y: hash[3 + i * 4] * Height / 256,
            Radius: 30 + hash[4 + i * 4] % 70,
            Colour: ColourFromHue(hash[5 + i * 4] * 360 / 256, saturation: 45, value: 98))).ToArray();

        var rgb = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                // Position along the diagonal, 0..1024.
                var t = (x * Height + y * Width) * 1024 / (2 * Width * Height);
                var pixel = Mix(from, to, t);
                foreach (var disc in discs)
                {
                    var dx = x - disc.X;
                    var dy = y - disc.Y;
                    var distanceSquared = dx * dx + dy * dy;
                    var radiusSquared = disc.Radius * disc.Radius;
                    if (distanceSquared < radiusSquared)
                    {
                        // Translucent in the middle, fading to nothing at the rim.
                        pixel = Mix(pixel, disc.Colour, 600 * (radiusSquared - distanceSquared) / radiusSquared);
                    }
                }
                var offset = (y * Width + x) * 3;
                rgb[offset] = pixel.R;
                rgb[offset + 1] = pixel.G;
                rgb[offset + 2] = pixel.B;
            }
        }
        return rgb;
    }

    private readonly record struct Rgb(byte R, byte G, byte B);

    private readonly record struct Disc(int X, int Y, int Radius, Rgb Colour);

    // weight is 0..1024.
    private static Rgb Mix(Rgb a, Rgb b, int weight) => new(
        (byte)(a.R + (b.R - a.R) * weight / 1024),
        (byte)(a.G + (b.G - a.G) * weight / 1024),
        (byte)(a.B + (b.B - a.B) * weight / 1024));

    // Integer HSV to RGB: hue 0..359, saturation and value 0..100.
    private static Rgb ColourFromHue(int hue, int saturation, int value)
    {
        var max = value * 255 / 100;
        var min = max * (100 - saturation) / 100;
        var rising = min + (max - min) * (hue % 60) / 60;
        var falling = max - (max - min) * (hue % 60) / 60;
        return (hue / 60) switch
        {
            0 => new Rgb((byte)max, (byte)rising, (byte)min),
            1 => new Rgb((byte)falling, (byte)max, (byte)min),
            2 => new Rgb((byte)min, (byte)max, (byte)rising),
            3 => new Rgb((byte)min, (byte)falling, (byte)max),
            4 => new Rgb((byte)rising, (byte)min, (byte)max),
            _ => new Rgb((byte)max, (byte)min, (byte)falling),
        };
    }
}
