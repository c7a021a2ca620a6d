namespace Vigil.Cli.Infrastructure;

/// <summary>
/// Whether one row of the demo's detection table is right, and if not, what went wrong in a reader's words: the
/// verdict against the true label (a missed anomaly, a false alarm) and the predicted class against it.
/// </summary>
public readonly record struct DemoVerdict(bool Right, string Text)
{
    /// <summary>Judges a detection of an image whose true label is <paramref name="truth"/>.</summary>
    /// <param name="truth">The image's label.</param>
    /// <param name="normalClass">The dataset's normal class (null: every label is an anomaly).</param>
    /// <param name="flagged">The verdict (null: the image could not be read).</param>
    /// <param name="predicted">The predicted class (null without a classifier).</param>
    public static DemoVerdict Judge(string truth, string? normalClass, bool? flagged, string? predicted)
    {
        if (flagged is not { } anomaly) return new(false, "WRONG: not read");
        bool isNormal = string.Equals(truth, normalClass, StringComparison.Ordinal);
        if (anomaly && isNormal) return new(false, "WRONG: false alarm");
        if (!anomaly && !isNormal) return new(false, "WRONG: missed anomaly");
        if (predicted is not null && !string.Equals(predicted, truth, StringComparison.Ordinal))
            return new(false, $"verdict right, class WRONG (is {truth})");
        return new(true, "yes");
    }
}
