using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Vigil.ML.Native;

namespace Vigil.ML.Data;

/// <summary>
/// Applies <see cref="AugmentOptions"/> to a float batch [B,C,S,S] in [0,1] with a few batched tensor ops: the crop,
/// rotation and flip are one affine map per image (one sampling grid + one bilinear grid_sample for the whole batch),
/// brightness and contrast one multiply-add. Parameters are drawn in C# from the batch's own generator, so results
/// depend only on (seed, epoch, batch index), not on libtorch's global generator or on which thread runs it.
/// </summary>
internal static class Augmenter
{
    private static readonly double MinLogAspect = Math.Log(3.0 / 4.0), MaxLogAspect = Math.Log(4.0 / 3.0);

    /// <summary>The augmented batch (a new tensor; the input is left as it is).</summary>
    public static Tensor Apply(Tensor batch, AugmentOptions options, SplitMix64 rng)
    {
        int b = (int)batch.shape[0];
        var theta = new float[b * 6];
        var gain = new float[b];
        var meanWeight = new float[b];
        int rows = (int)batch.shape[2], cols = (int)batch.shape[3];
        var erase = options.Erasing ? new int[b * 4] : null; // y0, y1, x0, x1 per image; an empty box where none
        for (int i = 0; i < b; i++)
        {
            // Random resized crop: area fraction and aspect ratio (torchvision's 3/4–4/3), each side capped at the image.
            double scale = options.MinCropScale < 1 ? rng.Uniform(options.MinCropScale, 1) : 1;
            double aspect = options.MinCropScale < 1 ? Math.Exp(rng.Uniform(MinLogAspect, MaxLogAspect)) : 1;
            double w = Math.Min(1, Math.Sqrt(scale * aspect)), h = Math.Min(1, Math.Sqrt(scale / aspect));
            double cx = rng.Uniform(-(1 - w), 1 - w), cy = rng.Uniform(-(1 - h), 1 - h);
            double angle = rng.Uniform(-options.MaxRotationDegrees, options.MaxRotationDegrees) * Math.PI / 180;
            double flip = options.HorizontalFlip && rng.NextDouble() < 0.5 ? -1 : 1;
            double brightness = rng.Uniform(1 - options.Brightness, 1 + options.Brightness);
            double contrast = rng.Uniform(1 - options.Contrast, 1 + options.Contrast);

            // Output grid (normalised coordinates) → input: centre + diag(w, h) · rotation · flip.
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            theta[6 * i + 0] = (float)(w * cos * flip); theta[6 * i + 1] = (float)(-w * sin); theta[6 * i + 2] = (float)cx;
            theta[6 * i + 3] = (float)(h * sin * flip); theta[6 * i + 4] = (float)(h * cos); theta[6 * i + 5] = (float)cy;
            // brightness·(contrast·x + (1 − contrast)·mean) = gain·x + meanWeight·mean
            gain[i] = (float)(brightness * contrast);
            meanWeight[i] = (float)(brightness * (1 - contrast));
            if (erase is not null && rng.NextDouble() < options.EraseProbability) DrawEraseBox(rng, rows, cols, erase.AsSpan(4 * i, 4));
        }

        using var scope = torch.NewDisposeScope();
        Tensor x = batch;
        if (options.Geometric)
        {
            // The sampling grid of affine_grid (align_corners = false: pixel centres at (2i + 1)/S − 1), built with
            // broadcast multiply-adds: cheaper than affine_grid's batched matmul and free of BLAS threading.
            long s = batch.shape[3];
            var centres = torch.linspace(-1 + 1.0 / s, 1 - 1.0 / s, s, ScalarType.Float32, batch.device);
            var gx0 = centres.view(1, 1, s);
            var gy0 = centres.view(1, s, 1);
            var t = torch.tensor(theta, [b, 6, 1, 1], device: batch.device);
            var gx = t.select(1, 0) * gx0 + t.select(1, 1) * gy0 + t.select(1, 2);
            var gy = t.select(1, 3) * gx0 + t.select(1, 4) * gy0 + t.select(1, 5);
            var grid = torch.stack([gx, gy], dim: 3);
            // Zeros outside the image: black, like the padding that made the images square.
            x = F.grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        }
        if (options.Photometric)
        {
            var g = torch.tensor(gain, [b, 1, 1, 1], device: batch.device);
            var m = torch.tensor(meanWeight, [b, 1, 1, 1], device: batch.device);
            var mean = x.mean([1, 2, 3], keepdim: true);
            x = (x * g + mean * m).clamp_(KeptScalars.Of(0), KeptScalars.Of(1));
        }
        if (erase is not null)
        {
            // One broadcast box test for the whole batch: pixel (r, c) of image i is erased when y0 ≤ r < y1 and x0 ≤ c < x1.
            var box = torch.tensor(erase, [b, 4, 1, 1], device: batch.device);
            var r = torch.arange(KeptScalars.OfInteger(rows), device: batch.device).view(1, rows, 1);
            var c = torch.arange(KeptScalars.OfInteger(cols), device: batch.device).view(1, 1, cols);
            var inside = (r >= box.select(1, 0)) & (r < box.select(1, 1)) & (c >= box.select(1, 2)) & (c < box.select(1, 3));
            x = x.masked_fill(inside.unsqueeze(1), KeptScalars.Of(0));
        }
        if (ReferenceEquals(x, batch)) x = batch.clone();
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A box of 2–33 % of the image with aspect ratio 0.3–3.3 (torchvision's RandomErasing ranges); up to ten draws for
    /// one that fits, else none, as torchvision does.
    /// </summary>
    private static void DrawEraseBox(SplitMix64 rng, int rows, int cols, Span<int> box)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double area = rows * cols * rng.Uniform(0.02, 0.33);
            double aspect = Math.Exp(rng.Uniform(Math.Log(0.3), Math.Log(3.3)));
            int h = (int)Math.Round(Math.Sqrt(area * aspect)), w = (int)Math.Round(Math.Sqrt(area / aspect));
            if (h < 1 || w < 1 || h >= rows || w >= cols) continue;
            int y0 = (int)rng.NextInt(rows - h + 1), x0 = (int)rng.NextInt(cols - w + 1);
            box[0] = y0; box[1] = y0 + h; box[2] = x0; box[3] = x0 + w;
            return;
        }
    }
}
