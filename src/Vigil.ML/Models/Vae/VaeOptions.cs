namespace Vigil.ML.Models.Vae;

/// <summary>What to build and how to score: sizes, widths, latent dimension and the anomaly score.</summary>
public sealed record VaeOptions
{
    /// <summary>Image channels (1 or 3).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Side of the square images it is trained on; see <see cref="VaeGeometry"/> for sizes that are not powers of two.</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>Dimension of the latent code.</summary>
    public int LatentDim { get; init; } = 512;

    /// <summary>Channels of the first encoder stage; each further stage doubles it up to <see cref="MaxWidth"/>.</summary>
    public int BaseWidth { get; init; } = 32;

    /// <summary>Cap on a stage's channels (keeps the flattened bottleneck, and the linear layers, bounded).</summary>
    public int MaxWidth { get; init; } = 256;

    /// <summary>
    /// The per-image anomaly score. Default <see cref="VaeScoreKind.ErrorPlusLatent"/>: in one-class runs on
    /// Fashion-MNIST it ranked anomalies best (docs/models.md has the figures). It needs
    /// <see cref="VaeModel.FitLatentStatistics"/>; until then <see cref="VaeModel.EffectiveScore"/> is ErrorPlusKl.
    /// </summary>
    public VaeScoreKind Score { get; init; } = VaeScoreKind.ErrorPlusLatent;

    /// <summary>
    /// Whether the model carries an <see cref="Vae.AnomalyHead"/> (needed by <see cref="VaeScoreKind.LearnedAnomalyMap"/>).
    /// Its weights are part of the model's, so a package records it (<c>models.vae.anomaly_head</c>).
    /// </summary>
    public bool AnomalyHead { get; init; }

    /// <summary>
    /// Whether a model with a head also keeps the spread of the head's score on the training normals (needed by the
    /// combined kind, <see cref="VaeScoreKind.LearnedMapOrLatent"/>); packages written before it have a head without
    /// them (<c>models.vae.head_statistics</c> absent).
    /// </summary>
    public bool HeadStatistics { get; init; } = true;

    /// <summary>
    /// How many training normals' codes the model keeps for <see cref="VaeScoreKind.LatentNeighbours"/> (evenly spaced
    /// over the images <see cref="VaeModel.FitLatentStatistics"/> sees); 0 keeps none. 2,048 codes of 512 floats add
    /// 4 MiB to a package. Packages written before it have none (<c>models.vae.latent_bank</c> absent).
    /// </summary>
    public int LatentBank { get; init; } = 2048;

    /// <summary>Gaussian σ in pixels for <see cref="VaeScoreKind.SmoothedMaxError"/>; null means ImageSize/32, at least 1.</summary>
    public double? SmoothingSigma { get; init; }

    /// <summary>The σ actually used for smoothing.</summary>
    public double ResolvedSmoothingSigma => SmoothingSigma ?? Math.Max(1.0, ImageSize / 32.0);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> with the reason.</summary>
    public void Validate()
    {
        if (Channels is not (1 or 3)) throw new ArgumentException($"the VAE takes 1 or 3 channels, not {Channels}");
        if (ImageSize < VaeGeometry.MinImageSize || ImageSize > 4096)
            throw new ArgumentException($"VAE image size must be {VaeGeometry.MinImageSize} to 4096 pixels, not {ImageSize}");
        if (LatentDim < 1) throw new ArgumentException($"latent dimension must be at least 1, not {LatentDim}");
        if (BaseWidth < 1 || MaxWidth < BaseWidth) throw new ArgumentException($"widths must satisfy 1 ≤ base ({BaseWidth}) ≤ max ({MaxWidth})");
        if (SmoothingSigma is { } s && !(s > 0 && s < ImageSize)) throw new ArgumentException($"smoothing sigma must be positive and below the image size, not {s}");
        if (LatentBank is < 0 or > 65_536) throw new ArgumentException($"the latent bank holds 0 to 65,536 codes, not {LatentBank}");
        if (!Enum.IsDefined(Score)) throw new ArgumentException($"unknown score kind {Score}");
        if (Score.NeedsHead() && !AnomalyHead) throw new ArgumentException($"the {Score} score needs the anomaly head");
        if (AnomalyHead && ImageSize % 4 != 0) throw new ArgumentException($"the anomaly head needs an image size divisible by 4, not {ImageSize}");
    }
}
