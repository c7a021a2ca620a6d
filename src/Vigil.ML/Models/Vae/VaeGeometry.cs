namespace Vigil.ML.Models.Vae;

/// <summary>
/// How a VAE fits an image size: the number of stride-2 stages, the bottleneck side and the zero padding that makes
/// the size divisible. Policy: k = ⌊log₂(S/4)⌋ halvings (at least 1), so the bottleneck side ⌈S/2ᵏ⌉ is 4 to 8;
/// the image is zero-padded (centred) to that side × 2ᵏ and the reconstruction cropped back, so losses and error
/// maps only ever see the original pixels. Powers of two (32, 64, 128, 256) get a 4×4 bottleneck and no padding;
/// 28 and 224 are 7 × 2ᵏ and need no padding either (7×7 bottleneck). Padding never exceeds 2ᵏ − 1 pixels
/// (under a quarter of the side), unlike resizing, which would blur every image and add interpolation error to
/// the anomaly score.
/// </summary>
/// <param name="ImageSize">Side of the (square) input.</param>
/// <param name="Downsamplings">Number of stride-2 stages in the encoder (and stride-2 upsamplings in the decoder).</param>
/// <param name="BottleneckSide">Spatial side at the bottleneck.</param>
/// <param name="PadBefore">Zero rows/columns added above and left.</param>
/// <param name="PadAfter">Zero rows/columns added below and right.</param>
public sealed record VaeGeometry(int ImageSize, int Downsamplings, int BottleneckSide, int PadBefore, int PadAfter)
{
    /// <summary>Smallest supported side: one halving to a 4×4 bottleneck.</summary>
    public const int MinImageSize = 8;

    /// <summary>Side after padding: <see cref="BottleneckSide"/> × 2^<see cref="Downsamplings"/>.</summary>
    public int PaddedSize => BottleneckSide << Downsamplings;

    /// <summary>The geometry for a square image of side <paramref name="imageSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The side is below <see cref="MinImageSize"/> or above 4096.</exception>
    public static VaeGeometry For(int imageSize)
    {
        if (imageSize < MinImageSize || imageSize > 4096)
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, $"VAE image size must be {MinImageSize} to 4096 pixels");
        // Largest k with S / 2^k ≥ 4, in integers (⌊S/2^k⌋ ≥ 4 exactly when S/2^k ≥ 4) to avoid log₂ rounding.
        int k = 1;
        while (imageSize >> (k + 1) >= 4) k++;
        int factor = 1 << k;
        int side = (imageSize + factor - 1) / factor;
        int pad = side * factor - imageSize;
        return new VaeGeometry(imageSize, k, side, pad / 2, pad - pad / 2);
    }
}
