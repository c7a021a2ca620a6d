using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

/// <summary>Small synthetic "normal" images (soft blobs) and a way to add an anomaly (a bright square).</summary>
internal static class SyntheticImages
{
    /// <summary>[count, channels, size, size] in [0, 1]: one Gaussian blob of random position and width per image.</summary>
    public static Tensor Blobs(int count, int size, int seed, int channels = 1)
    {
        var random = new Random(seed);
        var pixels = new float[count * channels * size * size];
        for (int n = 0; n < count; n++)
        {
            double cx = size * (0.3 + 0.4 * random.NextDouble()), cy = size * (0.3 + 0.4 * random.NextDouble());
            double sigma = size * (0.12 + 0.08 * random.NextDouble()), peak = 0.5 + 0.3 * random.NextDouble();
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                    {
                        double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                        pixels[((n * channels + c) * size + y) * size + x] = (float)(peak * Math.Exp(-r2 / (2 * sigma * sigma)));
                    }
        }
        return tensor(pixels, [count, channels, size, size]);
    }

    /// <summary>A copy with a square of value 1 at (top, left), side <paramref name="side"/>.</summary>
    public static Tensor WithSquare(Tensor images, int top, int left, int side)
    {
        Tensor copy = images.clone();
        copy[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)] = 1f;
        return copy;
    }
}
