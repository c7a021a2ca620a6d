using System.Buffers.Binary;

namespace Vigil.Imaging.Png;

/// <summary>The IHDR chunk: geometry and sample layout of a PNG image.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    public const int Grey = 0, Rgb = 2, Palette = 3, GreyAlpha = 4, Rgba = 6;

    /// <summary>Samples per pixel in the file (palette indices count as one).</summary>
    public int SamplesPerPixel => ColorType switch { Grey or Palette => 1, GreyAlpha => 2, Rgb => 3, _ => 4 };

    /// <summary>Bytes between a byte and the one it is filtered against (at least 1).</summary>
    public int FilterStride => Math.Max(1, SamplesPerPixel * BitDepth / 8);

    /// <summary>Bytes of one filtered row, without its filter-type byte.</summary>
    public long RowBytes(int width) => ((long)width * SamplesPerPixel * BitDepth + 7) / 8;

    /// <summary>Bytes the inflated image data must hold, filter bytes included (all Adam7 passes when interlaced).</summary>
    public long InflatedSize()
    {
        if (!Interlaced) return Height * (1 + RowBytes(Width));
        long total = 0;
        foreach (var pass in Adam7.Passes)
        {
            var (w, h) = pass.Size(Width, Height);
            if (w > 0 && h > 0) total += h * (1 + RowBytes(w));
        }
        return total;
    }

    /// <summary>Reads and validates the 13 bytes of IHDR.</summary>
    public static PngHeader Parse(ReadOnlySpan<byte> data, string path)
    {
        if (data.Length != 13) throw new ImageFormatException(path, $"PNG IHDR chunk has {data.Length} bytes, expected 13");
        int width = BinaryPrimitives.ReadInt32BigEndian(data);
        int height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        int depth = data[8], colour = data[9];
        if (width <= 0 || height <= 0) throw new ImageFormatException(path, $"PNG declares invalid dimensions {(uint)width}x{(uint)height}");
        bool valid = colour switch
        {
            Grey => depth is 1 or 2 or 4 or 8 or 16,
            Palette => depth is 1 or 2 or 4 or 8,
            Rgb or GreyAlpha or Rgba => depth is 8 or 16,
            _ => false,
        };
        if (!valid) throw new ImageFormatException(path, $"PNG colour type {colour} with bit depth {depth} is not a valid combination");
        if (data[10] != 0) throw new ImageFormatException(path, $"PNG compression method {data[10]} is unknown");
        if (data[11] != 0) throw new ImageFormatException(path, $"PNG filter method {data[11]} is unknown");
        if (data[12] > 1) throw new ImageFormatException(path, $"PNG interlace method {data[12]} is unknown");
        return new PngHeader(width, height, depth, colour, data[12] == 1);
    }
}
