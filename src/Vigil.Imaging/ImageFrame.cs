using System.Runtime.InteropServices;

namespace Vigil.Imaging;

/// <summary>
/// One decoded 2D image: row-major, channel-interleaved samples, 8 or 16 bits per sample,
/// 1 (grey) or 3 (RGB) channels. 16-bit samples are stored little-endian in <see cref="Data"/>
/// so that one byte array serves hashing, encoding and tensor conversion alike.
/// </summary>
public sealed class ImageFrame
{
    /// <summary>Creates a frame after checking that <paramref name="data"/> has exactly the declared size.</summary>
    /// <exception cref="ArgumentException">Dimensions, channels or bit depth are invalid, or the buffer size does not match.</exception>
    public ImageFrame(int width, int height, int channels, int bitDepth, byte[] data)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image dimensions must be positive, got {width}x{height}.");
        if (channels is not (1 or 3)) throw new ArgumentException($"Channels must be 1 or 3, got {channels}.");
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"Bit depth must be 8 or 16, got {bitDepth}.");
        ArgumentNullException.ThrowIfNull(data);
        long expected = (long)width * height * channels * (bitDepth / 8);
        if (data.LongLength != expected)
            throw new ArgumentException($"Pixel buffer has {data.LongLength} bytes, expected {expected} for {width}x{height}x{channels} at {bitDepth} bits.");
        Width = width; Height = height; Channels = channels; BitDepth = bitDepth; Data = data;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>1 (grey) or 3 (RGB).</summary>
    public int Channels { get; }
    /// <summary>8 or 16 bits per sample.</summary>
    public int BitDepth { get; }
    /// <summary>Raw samples; 16-bit samples are little-endian.</summary>
    public byte[] Data { get; }

    /// <summary>Bytes per pixel row.</summary>
    public int Stride => Width * Channels * (BitDepth / 8);

    /// <summary>The samples of a 16-bit frame as unsigned shorts (a view, not a copy).</summary>
    /// <exception cref="InvalidOperationException">The frame is 8-bit.</exception>
    public Span<ushort> Samples16 => BitDepth == 16
        ? MemoryMarshal.Cast<byte, ushort>(Data.AsSpan())
        : throw new InvalidOperationException("Samples16 is only defined for 16-bit frames.");

    /// <summary>Creates an 8-bit grey frame.</summary>
    public static ImageFrame Grey8(int width, int height, byte[] data) => new(width, height, 1, 8, data);

    /// <summary>Creates a 16-bit grey frame from unsigned samples.</summary>
    public static ImageFrame Grey16(int width, int height, ReadOnlySpan<ushort> samples)
    {
        var bytes = MemoryMarshal.AsBytes(samples).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Vigil assumes a little-endian host.");
        return new ImageFrame(width, height, 1, 16, bytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Width}x{Height}x{Channels} @{BitDepth}bit";
}
