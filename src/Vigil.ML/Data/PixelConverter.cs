using Vigil.Imaging;

namespace Vigil.ML.Data;

/// <summary>
/// Turns a decoded frame into the network's input: <c>channels</c> planes of S×S bytes, channel-major ([C,S,S]).
/// Channel policy: RGB → 1 channel is BT.601 luminance (0.299 R + 0.587 G + 0.114 B); grey → 3 channels replicates
/// the grey plane (resized once). 16-bit samples map to 8 bits by v·255/65535, rounded once after resizing, so
/// 0 → 0, 65535 → 255 and an 8-bit value stored as 16 bits (v·257) comes back exactly.
/// </summary>
internal static class PixelConverter
{
    private const float Red = 0.299f, Green = 0.587f, Blue = 0.114f;

    /// <summary>Writes [channels, size, size] bytes into <paramref name="output"/>.</summary>
    public static void Convert(ImageFrame frame, int size, int channels, Span<byte> output)
    {
        int plane = size * size;
        if (output.Length != channels * plane) throw new ArgumentException($"output holds {output.Length} bytes, expected {channels * plane}.");
        if (channels == 1 || frame.Channels == 1)
        {
            var grey = channels == 1 && frame.Channels == 3 ? Luminance(frame) : Plane(frame, 0);
            SquareResizer.Resize(grey, frame.Width, frame.Height, size, output[..plane]);
            for (int c = 1; c < channels; c++) output[..plane].CopyTo(output.Slice(c * plane, plane));
            return;
        }
        for (int c = 0; c < channels; c++)
            SquareResizer.Resize(Plane(frame, c), frame.Width, frame.Height, size, output.Slice(c * plane, plane));
    }

    /// <summary>One channel as floats on a 0–255 scale.</summary>
    private static float[] Plane(ImageFrame frame, int channel)
    {
        int n = frame.Width * frame.Height, step = frame.Channels;
        var result = new float[n];
        if (frame.BitDepth == 8)
        {
            ReadOnlySpan<byte> data = frame.Data;
            for (int i = 0; i < n; i++) result[i] = data[i * step + channel];
        }
        else
        {
            ReadOnlySpan<ushort> data = frame.Samples16;
            const float scale = 255f / 65535f;
            for (int i = 0; i < n; i++) result[i] = data[i * step + channel] * scale;
        }
        return result;
    }

    private static float[] Luminance(ImageFrame frame)
    {
        int n = frame.Width * frame.Height;
        var result = new float[n];
        if (frame.BitDepth == 8)
        {
            ReadOnlySpan<byte> data = frame.Data;
            for (int i = 0; i < n; i++) result[i] = Red * data[3 * i] + Green * data[3 * i + 1] + Blue * data[3 * i + 2];
        }
        else
        {
            ReadOnlySpan<ushort> data = frame.Samples16;
            const float scale = 255f / 65535f;
            for (int i = 0; i < n; i++) result[i] = (Red * data[3 * i] + Green * data[3 * i + 1] + Blue * data[3 * i + 2]) * scale;
        }
        return result;
    }
}
