using System.Runtime.ExceptionServices;
using Vigil.Imaging;

namespace Vigil.ML.Inference;

/// <summary>
/// One thing to detect on: an image file, an encoded image received as bytes (PNG, JPEG, DICOM… with a name), or
/// decoded pixels [C,H,W]. Every kind is converted to the model's input exactly as training converted its images.
/// </summary>
public abstract class DetectorInput
{
    private protected DetectorInput(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The path, or the name given with bytes or pixels; results and overlays are named after it.</summary>
    public string Name { get; }

    /// <summary>An image file of any supported format; a file holding several images (frames, slices) gives several results.</summary>
    public static DetectorInput File(string path) => new FileInput(path);

    /// <summary>
    /// An encoded image file's bytes. <paramref name="name"/> is reported with the results; its extension helps pick the
    /// format when the bytes' signature does not (the signature is tried first, as for files).
    /// </summary>
    public static DetectorInput Encoded(string name, ReadOnlyMemory<byte> bytes) => new EncodedInput(name, bytes);

    /// <summary>Decoded 8-bit pixels, channel-major [C,H,W] (C = 1 grey or 3 RGB), converted to the model's size and channels as training did.</summary>
    /// <exception cref="ArgumentException">The array is not C×H×W values, or C is not 1 or 3.</exception>
    public static DetectorInput Pixels(string name, byte[] chw, int channels, int height, int width) =>
        new PixelInput(name, Interleave(chw, channels, height, width, v => v, 8));

    /// <summary>
    /// Decoded pixels in [0, 1] (values outside are clipped), channel-major [C,H,W] (C = 1 or 3), converted as training
    /// did; kept at 16 bits until the single rounding to 8 bits after resizing, as training does for 16-bit images.
    /// </summary>
    /// <exception cref="ArgumentException">The array is not C×H×W values, or C is not 1 or 3.</exception>
    public static DetectorInput Pixels(string name, float[] chw, int channels, int height, int width) =>
        new PixelInput(name, Interleave(chw, channels, height, width, v => (ushort)Math.Round(Math.Clamp(float.IsNaN(v) ? 0 : v, 0f, 1f) * 65535f), 16));

    /// <summary>The images of this input with their keys ("" for a single image, "frame-0002", "axial-041"…), decoded with <paramref name="options"/>.</summary>
    /// <exception cref="ImageFormatException">The content cannot be decoded.</exception>
    internal abstract IReadOnlyList<(string Key, ImageFrame Frame)> Decode(ImageReaderRegistry registry, ImageReadOptions options, CancellationToken token);

    /// <summary>
    /// This input, decoded now with <paramref name="options"/>, for a caller that hands one input to several models (a
    /// repository's router, then the route's model): a model that reads with the same options gets these images without
    /// decoding again; one that reads with other options decodes the original. An input that cannot be read keeps its
    /// failure, raised again wherever it is read, so each model reports it as it would have.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="token"/> was cancelled.</exception>
    internal DetectorInput DecodedOnce(ImageReaderRegistry registry, ImageReadOptions options, CancellationToken token)
    {
        try
        {
            return new DecodedInput(this, options, Decode(registry, options, token), null);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { throw; }
        catch (Exception e) { return new DecodedInput(this, options, null, ExceptionDispatchInfo.Capture(e)); }
    }

    // [C,H,W] planes → the interleaved frame the readers produce, so pixels go through the very conversion files do.
    private static ImageFrame Interleave<T>(T[] chw, int channels, int height, int width, Func<T, ushort> sample, int bitDepth)
    {
        ArgumentNullException.ThrowIfNull(chw);
        if (channels is not (1 or 3)) throw new ArgumentException($"pixels need 1 (grey) or 3 (RGB) channels, not {channels}", nameof(channels));
        if (height < 1 || width < 1) throw new ArgumentException($"pixels need a positive height and width, not {height}×{width}", nameof(height));
        long count = (long)channels * height * width;
        if (chw.LongLength != count) throw new ArgumentException($"the pixel array holds {chw.LongLength} values, not {channels}×{height}×{width} = {count}", nameof(chw));
        int plane = height * width, bytesPerSample = bitDepth / 8;
        var data = new byte[count * bytesPerSample];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < plane; i++)
            {
                ushort v = sample(chw[c * plane + i]);
                int at = (i * channels + c) * bytesPerSample;
                if (bitDepth == 8) data[at] = (byte)v;
                else BitConverter.TryWriteBytes(data.AsSpan(at, 2), v); // frames hold 16-bit samples in machine order
            }
        return new ImageFrame(width, height, channels, bitDepth, data);
    }

    private sealed class FileInput(string path) : DetectorInput(path)
    {
        internal override IReadOnlyList<(string Key, ImageFrame Frame)> Decode(ImageReaderRegistry registry, ImageReadOptions options, CancellationToken token)
        {
            var images = new List<(string, ImageFrame)>();
            foreach (DecodedImage image in registry.Read(Name, options, token)) images.Add((image.Key, image.Frame));
            return images;
        }
    }

    private sealed class EncodedInput(string name, ReadOnlyMemory<byte> bytes) : DetectorInput(name)
    {
        // The readers take files (DICOM's JPEG family is decoded by a child process), so the bytes become a private
        // temporary file with the name's extension for the time of the decoding.
        internal override IReadOnlyList<(string Key, ImageFrame Frame)> Decode(ImageReaderRegistry registry, ImageReadOptions options, CancellationToken token)
        {
            string folder = Path.Combine(Path.GetTempPath(), "vigil-detect-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string file = Path.Combine(folder, SafeFileName(Name));
                System.IO.File.WriteAllBytes(file, bytes.ToArray());
                var images = new List<(string, ImageFrame)>();
                foreach (DecodedImage image in registry.Read(file, options, token)) images.Add((image.Key, image.Frame));
                return images;
            }
            finally
            {
                try { Directory.Delete(folder, recursive: true); }
                catch (IOException) { } // a leftover temporary file must not turn a result into an error
            }
        }

        private static string SafeFileName(string name)
        {
            string file = Path.GetFileName(name.Replace('\\', '/'));
            file = string.Concat(file.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '_')).TrimStart('.');
            return file.Length == 0 ? "image" : file;
        }
    }

    private sealed class DecodedInput(DetectorInput original, ImageReadOptions options, IReadOnlyList<(string Key, ImageFrame Frame)>? images,
        ExceptionDispatchInfo? failure) : DetectorInput(original.Name)
    {
        internal override IReadOnlyList<(string Key, ImageFrame Frame)> Decode(ImageReaderRegistry registry, ImageReadOptions readOptions, CancellationToken token)
        {
            if (readOptions != options) return original.Decode(registry, readOptions, token);
            failure?.Throw();
            return images!;
        }
    }

    private sealed class PixelInput(string name, ImageFrame frame) : DetectorInput(name)
    {
        internal override IReadOnlyList<(string Key, ImageFrame Frame)> Decode(ImageReaderRegistry registry, ImageReadOptions options, CancellationToken token) =>
            [("", frame)];
    }
}
