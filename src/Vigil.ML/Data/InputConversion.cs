using Vigil.Imaging;

namespace Vigil.ML.Data;

/// <summary>
/// How the data pipeline turns an image file into the network's input, in one place and by name, so that a model
/// package can record what training did and detection can do the same (a detector fed images read another way
/// scores them wrongly without any error).
/// </summary>
public static class InputConversion
{
    /// <summary>
    /// The reader options training decodes with (the split cache's default): volumes sliced axially with empty slices
    /// skipped, the first volume of a 4D series, DICOM display values (rescaled and windowed).
    /// </summary>
    public static ImageReadOptions ReadOptions => ImageReadOptions.Default;

    /// <summary>
    /// The channel policy of the conversion: colour to grey by BT.601 luminance (0.299 R + 0.587 G + 0.114 B), grey to
    /// colour by copying the grey plane, 16-bit samples to 8 bits by v·255/65535 rounded once after resizing.
    /// </summary>
    public const string ChannelPolicy = "bt601-luminance";

    /// <summary>The resize of the conversion: pad to a centred square with black, then area-average down or bilinear up.</summary>
    public const string Resize = "pad-to-square";

    /// <summary>
    /// Writes one frame as [<paramref name="channels"/>, <paramref name="size"/>, <paramref name="size"/>] bytes into
    /// <paramref name="output"/>, by <see cref="ChannelPolicy"/> and <see cref="Resize"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is not channels × size × size bytes.</exception>
    public static void Convert(ImageFrame frame, int size, int channels, Span<byte> output) => PixelConverter.Convert(frame, size, channels, output);
}
