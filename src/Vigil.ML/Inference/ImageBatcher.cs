using Vigil.Imaging;
using Vigil.ML.Data;
using static TorchSharp.torch;
using Vigil.ML.Native;

namespace Vigil.ML.Inference;

/// <summary>One image prepared for the detector, or the reason it could not be.</summary>
/// <param name="Path">The input's path or name.</param>
/// <param name="Key">Image inside the input ("" for single-image inputs, "frame-0002", "axial-041"…).</param>
/// <param name="Pixels">C×S×S bytes (the model's channels and size), or null on error.</param>
/// <param name="Error">Why the image could not be read.</param>
public sealed record PreparedImage(string Path, string Key, byte[]? Pixels, string? Error);

/// <summary>Decodes inputs of any kind and converts them exactly as training did (<see cref="InputConversion"/>).</summary>
public static class ImageBatcher
{
    /// <summary>
    /// Every image of <paramref name="input"/>, read with <paramref name="options"/> and converted to
    /// <paramref name="size"/>² × <paramref name="channels"/>. An input that cannot be read becomes one row with the
    /// reason (images of a container read before the failure are kept): one bad input never stops the others.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="token"/> was cancelled.</exception>
    public static IReadOnlyList<PreparedImage> Prepare(ImageReaderRegistry registry, DetectorInput input, ImageReadOptions options, int size, int channels,
        CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(input);
        var results = new List<PreparedImage>();
        try
        {
            foreach (var (key, frame) in input.Decode(registry, options, token))
            {
                var pixels = new byte[channels * size * size];
                InputConversion.Convert(frame, size, channels, pixels);
                results.Add(new PreparedImage(input.Name, key, pixels, null));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { throw; }
        catch (Exception e) when (e is ImageFormatException or IOException or UnauthorizedAccessException) { results.Add(new PreparedImage(input.Name, "", null, e.Message)); }
        // Anything else is a reader failing on hostile content: it costs this input, never the run (as in training).
        catch (Exception e) { results.Add(new PreparedImage(input.Name, "", null, $"the image could not be decoded: {e.Message}")); }
        return results;
    }

    /// <summary>
    /// The images of <paramref name="inputs"/>, prepared as <see cref="Prepare"/> does, in input order and in groups: a
    /// group is either one image that could not be read (its <see cref="PreparedImage.Error"/> set) or up to
    /// <paramref name="batchSize"/> readable ones, so a caller scores whole batches and still answers in input order.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="token"/> was cancelled.</exception>
    public static IEnumerable<IReadOnlyList<PreparedImage>> Groups(ImageReaderRegistry registry, IEnumerable<DetectorInput> inputs, ImageReadOptions options,
        int size, int channels, int batchSize, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var pending = new List<PreparedImage>();
        foreach (DetectorInput input in inputs)
        {
            token.ThrowIfCancellationRequested();
            foreach (PreparedImage image in Prepare(registry, input, options, size, channels, token))
            {
                if (image.Error is not null)
                {
                    if (pending.Count > 0) { yield return pending; pending = []; }
                    yield return [image];
                    continue;
                }
                pending.Add(image);
                if (pending.Count == batchSize) { yield return pending; pending = []; }
            }
        }
        if (pending.Count > 0) yield return pending;
    }

    /// <summary>Stacks prepared images into a float tensor [B,C,S,S] in [0,1] on <paramref name="device"/>.</summary>
    public static Tensor ToTensor(IReadOnlyList<PreparedImage> images, int size, int channels, Device device)
    {
        var bytes = new byte[images.Count * channels * size * size];
        for (int i = 0; i < images.Count; i++) images[i].Pixels!.CopyTo(bytes, i * channels * size * size);
        using var raw = tensor(bytes, [images.Count, channels, size, size], ScalarType.Byte);
        return raw.to_type(ScalarType.Float32).div_(KeptScalars.Of(255)).to(device);
    }
}
