using TorchSharp;
using Vigil.Imaging;
using Vigil.ML.Data;
using static TorchSharp.torch;

namespace Vigil.ML.Inference;

/// <summary>One image prepared for the detector, or the reason it could not be.</summary>
/// <param name="Path">Source file.</param>
/// <param name="Key">Image inside the file ("" for single-image files, "frame-0002", "axial-041"…).</param>
/// <param name="Pixels">C×S×S bytes (the model's channels and size), or null on error.</param>
/// <param name="Error">Why the image could not be read.</param>
public sealed record PreparedImage(string Path, string Key, byte[]? Pixels, string? Error);

/// <summary>Decodes inputs of any supported format and converts them exactly as training did (channels, square resize).</summary>
public static class ImageBatcher
{
    /// <summary>Every image of <paramref name="path"/>, converted to <paramref name="size"/>² × <paramref name="channels"/>; errors become rows.</summary>
    public static IEnumerable<PreparedImage> Prepare(ImageReaderRegistry registry, string path, int size, int channels, CancellationToken token = default)
    {
        var results = new List<PreparedImage>();
        try
        {
            foreach (var image in registry.Read(path, ImageReadOptions.Default, token))
            {
                var pixels = new byte[channels * size * size];
                PixelConverter.Convert(image.Frame, size, channels, pixels);
                results.Add(new PreparedImage(path, image.Key, pixels, null));
            }
        }
        catch (ImageFormatException e) { results.Add(new PreparedImage(path, "", null, e.Message)); }
        catch (IOException e) { results.Add(new PreparedImage(path, "", null, e.Message)); }
        return results;
    }

    /// <summary>Stacks prepared images into a float tensor [B,C,S,S] in [0,1] on <paramref name="device"/>.</summary>
    public static Tensor ToTensor(IReadOnlyList<PreparedImage> images, int size, int channels, Device device)
    {
        var bytes = new byte[images.Count * channels * size * size];
        for (int i = 0; i < images.Count; i++) images[i].Pixels!.CopyTo(bytes, i * channels * size * size);
        using var raw = tensor(bytes, [images.Count, channels, size, size], ScalarType.Byte);
        return raw.to_type(ScalarType.Float32).div_(255f).to(device);
    }
}
