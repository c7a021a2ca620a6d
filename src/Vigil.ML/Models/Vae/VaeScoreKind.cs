namespace Vigil.ML.Models.Vae;

/// <summary>How <see cref="VaeModel.ReconstructionError(TorchSharp.torch.Tensor)"/> turns an image's reconstruction into one anomaly score.</summary>
public enum VaeScoreKind
{
    /// <summary>Mean per-pixel squared error: sensitive to anomalies that change much of the image.</summary>
    MeanSquaredError,

    /// <summary>
    /// The error map blurred by a Gaussian (<see cref="VaeOptions.SmoothingSigma"/>), then its maximum: responds to a
    /// small bright lesion that a mean over the whole image would dilute, while the blur ignores single noisy pixels.
    /// </summary>
    SmoothedMaxError,

    /// <summary>
    /// Per-pixel squared error plus the KL divergence of the image's posterior, per pixel (a negative ELBO at fixed
    /// variance): also flags images whose code lies far from the prior even when they are reconstructed well.
    /// </summary>
    ErrorPlusKl,

    /// <summary>
    /// Mahalanobis distance of the posterior mean μ to the distribution of the training normals' μ (shrunk
    /// covariance): how unlike the normals the image's code is, whatever the reconstruction. Needs
    /// <see cref="VaeModel.FitLatentStatistics"/>.
    /// </summary>
    LatentMahalanobis,

    /// <summary>
    /// log mean squared error, log <see cref="LatentMahalanobis"/> and, where the model keeps a bank of codes, log
    /// <see cref="LatentNeighbours"/>, each standardised on the training normals, summed: an image is anomalous when
    /// it is reconstructed badly, when its code is atypical, or both. Needs
    /// <see cref="VaeModel.FitLatentStatistics"/>; until then the model scores with <see cref="ErrorPlusKl"/>.
    /// </summary>
    ErrorPlusLatent,

    /// <summary>
    /// One minus the structural similarity (SSIM: local means, contrast and correlation in a Gaussian window, σ 1.5 px)
    /// of image and reconstruction per pixel, blurred and maximised like <see cref="SmoothedMaxError"/>. Compares
    /// local structure rather than squared intensity, so it weighs dark and bright regions alike.
    /// </summary>
    StructuralError,

    /// <summary>
    /// The <see cref="AnomalyHead"/>'s per-pixel anomaly probability, blurred and maximised like
    /// <see cref="SmoothedMaxError"/>. The head is trained on normal images with synthetic anomalies pasted in
    /// (<see cref="SyntheticAnomalies"/>), so it learns which image–reconstruction differences are foreign patches and
    /// which are the usual blur at edges. Needs the head, fitted (<see cref="VaeModel.HasFittedHead"/>).
    /// </summary>
    LearnedAnomalyMap,

    /// <summary>
    /// The larger of <see cref="LearnedAnomalyMap"/> (as a logit, standardised on validation normals) and
    /// <see cref="ErrorPlusLatent"/> (divided by the square root of its number of terms, to a unit spread): an image is as anomalous as the part most sure
    /// of it. The head finds local lesions that whole-image terms dilute; the latent and error terms find whole images
    /// unlike the normals (another object, another anatomy) that the head, taught on local patches, misses. The map
    /// shown is the head's. Needs the head and both statistics.
    /// </summary>
    LearnedMapOrLatent,

    /// <summary>
    /// Mean Euclidean distance of the posterior mean μ to its <see cref="VaeModel.NeighbourCount"/> nearest codes of
    /// training normals (a bank of up to <see cref="VaeOptions.LatentBank"/>, kept in the model): a feature-density
    /// score that, unlike <see cref="LatentMahalanobis"/>'s single Gaussian, follows normals that form several clusters
    /// (bags with and without handles). Needs <see cref="VaeModel.FitLatentStatistics"/> on a model with a bank.
    /// </summary>
    LatentNeighbours,
}

/// <summary>Names of <see cref="VaeScoreKind"/> as users type them (<c>--vae-score</c>, <c>--scorer</c>).</summary>
public static class VaeScoreNames
{
    /// <summary>Whether the kind reads the anomaly head.</summary>
    public static bool NeedsHead(this VaeScoreKind kind) =>
        kind is VaeScoreKind.LearnedAnomalyMap or VaeScoreKind.LearnedMapOrLatent;

    /// <summary>
    /// Parses a score name in any case, with or without hyphens or underscores between words
    /// (<c>learned-anomaly-map</c>, <c>LearnedAnomalyMap</c>).
    /// </summary>
    /// <exception cref="Core.UserInputException">The name is none of the kinds.</exception>
    public static VaeScoreKind Parse(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var key = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Trim();
        foreach (var kind in Enum.GetValues<VaeScoreKind>())
            if (string.Equals(kind.ToString(), key, StringComparison.OrdinalIgnoreCase)) return kind;
        throw new Core.UserInputException($"{option} '{text}' is not a score; use one of {All}.");
    }

    /// <summary>Every name, in the command-line spelling, comma-separated.</summary>
    public static string All => string.Join(", ", Enum.GetValues<VaeScoreKind>().Select(ToText));

    /// <summary>The command-line spelling: lower case, words joined by hyphens (<c>learned-anomaly-map</c>).</summary>
    public static string ToText(this VaeScoreKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
