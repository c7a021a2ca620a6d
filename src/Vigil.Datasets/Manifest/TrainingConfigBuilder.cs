using System.Globalization;
using Vigil.Datasets.Processing;

namespace Vigil.Datasets.Manifest;

/// <summary>
/// Writes training_config.json's content: the strategy for the dataset's share of labeled images
/// (<see cref="TrainingStrategy.For"/>), and suggested size, batch and epochs.
/// </summary>
internal static class TrainingConfigBuilder
{
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
        var chosen = TrainingStrategy.For(labeled, total, classes);
        return new TrainingConfig
        {
            Strategy = chosen.Strategy,
            LedBy = chosen.LedBy,
            EnsembleWeights = new EnsembleWeights(chosen.SupervisedWeight, Math.Round(1 - chosen.SupervisedWeight, 2)),
            PhaseOrder = chosen.PhaseOrder,
            LabeledFraction = Math.Round(fraction, 4),
            Classes = classes,
            NormalClass = normalClass,
            ImageSize = imageSize,
            Channels = grey == total ? 1 : 3,
            BatchSize = imageSize <= 64 ? 128 : imageSize <= 128 ? 64 : 32,
            Epochs = chosen.LedBy == "unsupervised" ? epochsUnsupervised : epochsSupervised,
            EpochsSupervised = epochsSupervised,
            EpochsUnsupervised = epochsUnsupervised,
            Reason = chosen.Reason,
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
