using System.Globalization;

namespace Vigil.Datasets.Manifest;

/// <summary>
/// The training strategy for a share of labeled images, following the project's guide ("Stratégies
/// d'apprentissage"): at least 80% labeled → hybrid led by the classifier (preset weights 0.8/0.2, strategy A);
/// at most 20% → hybrid led by the VAE (0.5/0.5, strategy B; the classifier is trained first so that its confident
/// predictions on the unlabeled images can add normals to the VAE's few labeled ones); in between → balanced (0.6/0.4,
/// strategy C). Without labels, or with a single labeled class, only the VAE can learn: unsupervised (0/1).
/// <c>vigil organize</c> writes it into training_config.json for the whole dataset; <c>vigil train</c> decides it
/// again from the training images it is given.
/// </summary>
/// <param name="Strategy">"supervised", "unsupervised" or "hybrid".</param>
/// <param name="LedBy">"supervised", "unsupervised" or "balanced".</param>
/// <param name="SupervisedWeight">Preset weight of the classifier; the VAE's is 1 minus it.</param>
/// <param name="PhaseOrder">Phases in the order they are trained.</param>
/// <param name="Reason">Why, in one or two sentences naming the share.</param>
public sealed record TrainingStrategy(string Strategy, string LedBy, double SupervisedWeight, IReadOnlyList<string> PhaseOrder, string Reason)
{
    /// <summary>Labeled share at or above which the classifier leads.</summary>
    public const double SupervisedLedThreshold = 0.8;
    /// <summary>Labeled share at or below which the VAE leads.</summary>
    public const double UnsupervisedLedThreshold = 0.2;

    /// <summary>The strategy for <paramref name="labeled"/> labeled images out of <paramref name="total"/>.</summary>
    /// <param name="labeled">Images with a label.</param>
    /// <param name="total">All images.</param>
    /// <param name="classes">The labeled classes.</param>
    /// <param name="images">What the images are called in the reason ("images", "training images").</param>
    public static TrainingStrategy For(int labeled, int total, IReadOnlyList<string> classes, string images = "images")
    {
        double fraction = total == 0 ? 0 : (double)labeled / total;
        string pct = (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        string of = $"{pct} of {total.ToString("N0", CultureInfo.InvariantCulture)} {images} are labeled";
        if (labeled == 0 || classes.Count < 2)
            return new("unsupervised", "unsupervised", 0, ["unsupervised"], labeled == 0
                ? $"No image is labeled: train the VAE alone on all training images; it flags what it cannot reconstruct."
                : $"Only one class ({classes[0]}) is labeled, so a classifier has nothing to separate: train the VAE on the " +
                  "normal and unlabeled images (one-class anomaly detection).");
        if (fraction >= SupervisedLedThreshold)
            return new("hybrid", "supervised", 0.8, ["supervised", "unsupervised", "hybrid"],
                $"{of} (>= 80%): train the classifier on the labeled images first, then a VAE on the normal " +
                "and unlabeled images to catch unseen anomalies; ensemble 0.8/0.2 (guide, strategy A).");
        if (fraction <= UnsupervisedLedThreshold)
            return new("hybrid", "unsupervised", 0.5, ["supervised", "unsupervised", "hybrid"],
                $"{of} (<= 20%): train the classifier on the few labels and, through its confident predictions, on the " +
                "unlabeled images; then the VAE on the labeled normals and the unlabeled images the classifier confidently " +
                "calls normal; ensemble 0.5/0.5 (guide, strategy B).");
        return new("hybrid", "balanced", 0.6, ["supervised", "unsupervised", "hybrid"],
            $"{of} (between 20% and 80%): train both models; ensemble 0.6/0.4, leaning on the labels, which " +
            "are the more reliable signal once they are plentiful, while the VAE keeps weight for anomalies no label covers (strategy C).");
    }
}
