using System.Globalization;
using Vigil.Datasets.Processing;

namespace Vigil.Datasets.Manifest;

/// <summary>
/// Chooses the training strategy from the share of labeled images, following the project's guide
/// ("Stratégies d'apprentissage"): at least 80% labeled → hybrid led by the supervised classifier, weights 0.8/0.2;
/// at most 20% labeled → hybrid led by the VAE (trained first on unlabeled/normal images, then the classifier),
/// weights 0.5/0.5; in between → balanced hybrid, 0.6/0.4. Without labels, or with a single class, a classifier
/// cannot learn anything: the strategy is then unsupervised (VAE only, weights 0/1).
/// </summary>
internal static class TrainingConfigBuilder
{
    /// <summary>Labeled share at or above which the classifier leads.</summary>
    public const double SupervisedLedThreshold = 0.8;
    /// <summary>Labeled share at or below which the VAE leads.</summary>
    public const double UnsupervisedLedThreshold = 0.2;

    /// <summary>Builds training_config.json's content.</summary>
    public static TrainingConfig Build(IReadOnlyList<ImageRecord> records, IReadOnlyList<string> classes, string? normalClass)
    {
        int total = records.Count, labeled = 0, grey = 0, trainLabeled = 0, vaeImages = 0;
        var sides = new int[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (r.IsLabeled) labeled++;
            if (r.Channels == 1) grey++;
            if (r.IsLabeled && r.Split == "train") trainLabeled++;
            // The VAE learns normality: unlabeled images and images of the normal class.
            if (r.Split == "train" && (!r.IsLabeled || r.Label == normalClass)) vaeImages++;
            sides[i] = Math.Max(r.Width, r.Height);
        }
        Array.Sort(sides);
        int medianSide = sides.Length == 0 ? 0 : sides[(sides.Length - 1) / 2];
        int imageSize = SuggestImageSize(medianSide);
        double fraction = total == 0 ? 0 : (double)labeled / total;
        int epochsSupervised = trainLabeled < 1000 ? 50 : trainLabeled < 10_000 ? 30 : 20;
        int epochsUnsupervised = vaeImages < 1000 ? 80 : vaeImages < 10_000 ? 50 : 30;
        string pct = (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        string of = $"{pct} of {total.ToString("N0", CultureInfo.InvariantCulture)} images are labeled";

        string strategy, ledBy, reason;
        double supervised;
        string[] phases;
        if (labeled == 0 || classes.Count < 2)
        {
            strategy = "unsupervised"; ledBy = "unsupervised"; supervised = 0; phases = ["unsupervised"];
            reason = labeled == 0
                ? $"No image is labeled: train the VAE alone on all training images; it flags what it cannot reconstruct."
                : $"Only one class ({classes[0]}) is labeled, so a classifier has nothing to separate: train the VAE on the " +
                  "normal and unlabeled images (one-class anomaly detection).";
        }
        else if (fraction >= SupervisedLedThreshold)
        {
            strategy = "hybrid"; ledBy = "supervised"; supervised = 0.8; phases = ["supervised", "unsupervised", "hybrid"];
            reason = $"{of} (>= 80%): train the classifier on the labeled images first, then a VAE on the normal " +
                     "and unlabeled images to catch unseen anomalies; ensemble 0.8/0.2 (guide, strategy A).";
        }
        else if (fraction <= UnsupervisedLedThreshold)
        {
            strategy = "hybrid"; ledBy = "unsupervised"; supervised = 0.5; phases = ["unsupervised", "supervised", "hybrid"];
            reason = $"{of} (<= 20%): train the VAE on the unlabeled images first to learn normality, then fine-tune " +
                     "the classifier on the few labels; ensemble 0.5/0.5 (guide, strategy B).";
        }
        else
        {
            strategy = "hybrid"; ledBy = "balanced"; supervised = 0.6; phases = ["supervised", "unsupervised", "hybrid"];
            reason = $"{of} (between 20% and 80%): train both models; ensemble 0.6/0.4, leaning on the labels, which " +
                     "are the more reliable signal once they are plentiful, while the VAE keeps weight for anomalies no label covers.";
        }
        return new TrainingConfig
        {
            Strategy = strategy,
            LedBy = ledBy,
            EnsembleWeights = new EnsembleWeights(supervised, Math.Round(1 - supervised, 2)),
            PhaseOrder = phases,
            LabeledFraction = Math.Round(fraction, 4),
            Classes = classes,
            NormalClass = normalClass,
            ImageSize = imageSize,
            Channels = grey == total ? 1 : 3,
            BatchSize = imageSize <= 64 ? 128 : imageSize <= 128 ? 64 : 32,
            Epochs = ledBy == "unsupervised" ? epochsUnsupervised : epochsSupervised,
            EpochsSupervised = epochsSupervised,
            EpochsUnsupervised = epochsUnsupervised,
            Reason = reason,
        };
    }

    /// <summary>
    /// Small images are used at their native size (no upsampling blur); large ones at 224, the size EfficientNet-B0 was
    /// designed for; sizes in between are rounded to a multiple of 32 (the network's total stride).
    /// </summary>
    public static int SuggestImageSize(int medianSide)
    {
        if (medianSide <= 0) return 224;
        if (medianSide <= 64) return medianSide;
        if (medianSide >= 224) return 224;
        return Math.Max(64, (int)Math.Round(medianSide / 32.0) * 32);
    }
}
