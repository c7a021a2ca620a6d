using TorchSharp;
using static TorchSharp.torch;
using Vigil.ML.Native;

namespace Vigil.ML.Models.Vae;

/// <summary>
/// Pastes irregular synthetic anomalies into normal images, to train the <see cref="AnomalyHead"/> without a single
/// real anomaly. The region is a thresholded smooth random field (irregular, sometimes several lobes) inside a random
/// disc, so it is local like a lesion. What fills it varies, so the head learns "foreign to this image" rather than one
/// look: a patch of another image of the batch (shifted), a smooth random texture, or the image itself brightened or
/// darkened; it is blended with a random opacity. Half of the images are left untouched (their target is all zero).
/// </summary>
public static class SyntheticAnomalies
{
    /// <summary>
    /// (images with anomalies [B, C, S, S] in [0, 1], target masks [B, 1, S, S] of 0 and 1) for normal images in
    /// [0, 1]; deterministic for a given <paramref name="generator"/> state.
    /// </summary>
    public static (Tensor Images, Tensor Masks) Apply(Tensor normals, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(normals);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var device = normals.device;
        long b = normals.shape[0], c = normals.shape[1], s = normals.shape[2];
        Tensor U(params long[] shape) => torch.rand(shape, generator: generator).to(device);

        // Region: a smooth field on a coarse grid (3–8 cells a side), upsampled, above a per-image threshold…
        long grid = 3 + (long)(U(1).item<float>() * 6);
        Tensor field = nn.functional.interpolate(torch.randn([b, 1, grid, grid], generator: generator).to(device), [s, s], mode: InterpolationMode.Bilinear, align_corners: true);
        Tensor blobs = field.gt(0.3 + 0.9 * U(b, 1, 1, 1));
        // …inside a disc of radius 8–30 % of the side, centred anywhere.
        Tensor coords = torch.arange(KeptScalars.OfInteger(s), dtype: ScalarType.Float32, device: device) / (s - 1);
        Tensor cy = U(b, 1, 1, 1), cx = U(b, 1, 1, 1), radius = 0.08 + 0.22 * U(b, 1, 1, 1);
        Tensor disc = (coords.view(1, 1, -1, 1) - cy).square() + (coords.view(1, 1, 1, -1) - cx).square() < radius.square();
        Tensor keep = U(b, 1, 1, 1).lt(KeptScalars.Of(0.5));
        Tensor mask = (blobs & disc & keep).to(normals.dtype);

        // Fill: another image of the batch rolled by a random offset, a smooth texture, or the image scaled in brightness.
        Tensor other = normals.roll(1, 0).roll([(long)(U(1).item<float>() * s), (long)(U(1).item<float>() * s)], [2, 3]);
        long tg = 4 + (long)(U(1).item<float>() * 12);
        Tensor texture = (U(b, 1, 1, 1) + (U(b, 1, 1, 1) - 0.5) * nn.functional.interpolate(U(b, c, tg, tg), [s, s], mode: InterpolationMode.Bilinear, align_corners: true)).clamp(KeptScalars.Of(0), KeptScalars.Of(1));
        Tensor shifted = (normals * (0.4 + 1.4 * U(b, 1, 1, 1)) + (U(b, 1, 1, 1) - 0.5) * 0.4).clamp(KeptScalars.Of(0), KeptScalars.Of(1));
        Tensor pick = U(b, 1, 1, 1);
        Tensor fill = torch.where(pick < KeptScalars.Of(1 / 3.0), other, torch.where(pick < KeptScalars.Of(2 / 3.0), texture.expand_as(normals), shifted));

        Tensor opacity = (0.4 + 0.6 * U(b, 1, 1, 1)) * mask;
        Tensor images = normals * (1 - opacity) + fill * opacity;
        return (images.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }
}
