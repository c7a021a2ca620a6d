namespace Vigil.ML.Data;

/// <summary>
/// Training-time augmentation, applied on tensors per batch (docs/data-pipeline.md). Set each amount to 0 (or
/// <see cref="MinCropScale"/> to 1) to turn that transform off; a loader without options does none (evaluation).
/// </summary>
public sealed record AugmentOptions
{
    /// <summary>Random resized crop: smallest kept fraction of the image area (the crop is resized back to S×S).</summary>
    public double MinCropScale { get; init; } = 0.8;
    /// <summary>Random rotation up to ± this many degrees.</summary>
    public double MaxRotationDegrees { get; init; } = 10;
    /// <summary>Brightness jitter: intensities scaled by a factor in [1 − b, 1 + b].</summary>
    public double Brightness { get; init; } = 0.1;
    /// <summary>Contrast jitter: distance from the image mean scaled by a factor in [1 − c, 1 + c].</summary>
    public double Contrast { get; init; } = 0.1;
    /// <summary>
    /// Random horizontal flip (half the images). Off by default: in many medical images left and right mean something
    /// (situs, a lesion's side, laterality markers), so turn it on only where the anatomy is symmetric for the task.
    /// </summary>
    public bool HorizontalFlip { get; init; }
    /// <summary>
    /// Random erasing (Zhong et al., 2020; torchvision's RandomErasing): with this probability a rectangle covering
    /// 2–33 % of the image, aspect ratio 0.3–3.3, is set to black. 0 (the default) turns it off. A classifier-only
    /// regulariser: the VAE never sees erased images, since it must learn what a whole normal image looks like.
    /// </summary>
    public double EraseProbability { get; init; }

    /// <summary>The defaults: crop 0.8–1, rotation ±10°, brightness and contrast ±10%, no flip.</summary>
    public static AugmentOptions Default { get; } = new();

    /// <summary>
    /// Small shifts only (crop 0.9–1, no rotation, no intensity jitter), for centred, upright images whose test set is
    /// never shifted either (MNIST-like collections, tightly cropped acquisitions).
    /// </summary>
    public static AugmentOptions Light { get; } = new() { MinCropScale = 0.9, MaxRotationDegrees = 0, Brightness = 0, Contrast = 0 };

    /// <summary>The presets by name: <c>default</c>, <c>light</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static AugmentOptions Named(string name) => name.Trim().ToLowerInvariant() switch
    {
        "default" => Default,
        "light" => Light,
        _ => throw new ArgumentException($"unknown augmentation '{name}'; use default, light or none", nameof(name)),
    };

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public void Validate()
    {
        if (MinCropScale is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MinCropScale), MinCropScale, "must be in (0, 1]");
        if (MaxRotationDegrees is < 0 or > 180) throw new ArgumentOutOfRangeException(nameof(MaxRotationDegrees), MaxRotationDegrees, "must be in [0, 180]");
        if (Brightness is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Brightness), Brightness, "must be in [0, 1)");
        if (Contrast is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Contrast), Contrast, "must be in [0, 1)");
        if (EraseProbability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(EraseProbability), EraseProbability, "must be in [0, 1]");
    }

    internal bool Geometric => MinCropScale < 1 || MaxRotationDegrees > 0 || HorizontalFlip;
    internal bool Photometric => Brightness > 0 || Contrast > 0;
    internal bool Erasing => EraseProbability > 0;
}
