using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.ML.Models.Vae;

/// <summary>Separable Gaussian blur of single-channel maps [B, 1, H, W], edges replicated (no dark border).</summary>
internal static class GaussianBlur
{
    public static Tensor Apply(Tensor maps, double sigma)
    {
        using var scope = NewDisposeScope();
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var weights = new float[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) weights[i + radius] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma));
        float total = weights.Sum();
        for (int i = 0; i < weights.Length; i++) weights[i] /= total;
        Tensor kernel = torch.tensor(weights, dtype: maps.dtype, device: maps.device);
        Tensor padded = nn.functional.pad(maps, [radius, radius, radius, radius], PaddingModes.Replicate);
        Tensor rows = nn.functional.conv2d(padded, kernel.view(1, 1, 1, -1));
        return nn.functional.conv2d(rows, kernel.view(1, 1, -1, 1)).MoveToOuterDisposeScope();
    }
}
