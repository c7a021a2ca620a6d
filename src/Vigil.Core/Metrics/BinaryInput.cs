namespace Vigil.Core.Metrics;

/// <summary>
/// Validation shared by every binary metric: one score and one 0/1 label per sample, finite scores.
/// Failing fast here keeps a NaN from a diverged model from silently turning into a plausible-looking AUROC.
/// </summary>
internal static class BinaryInput
{
    /// <summary>Checks the inputs and counts positives (label 1 = anomaly) and negatives (label 0 = normal).</summary>
    public static (int Positives, int Negatives) Validate(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException(
                $"scores and labels differ in length ({scores.Length} vs {labels.Length}); pass one label per score.",
                nameof(labels));
        }
        if (scores.IsEmpty)
        {
            throw new ArgumentException("no samples: binary metrics need at least one score.", nameof(scores));
        }

        int positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i]))
            {
                throw new ArgumentException(
                    $"score {i} is {scores[i]}; scores must be finite (check the model output for NaN/overflow).",
                    nameof(scores));
            }
            int label = labels[i];
            if (label is not (0 or 1))
            {
                throw new ArgumentException(
                    $"label {i} is {label}; binary labels must be 0 (normal) or 1 (anomaly).", nameof(labels));
            }
            positives += label;
        }
        return (positives, scores.Length - positives);
    }

    /// <summary>Rejects a probability/rate target outside [0, 1] (NaN included).</summary>
    public static void RequireUnitInterval(double value, string paramName)
    {
        if (!(value >= 0.0 && value <= 1.0))
        {
            throw new ArgumentOutOfRangeException(paramName, value, "must be within [0, 1].");
        }
    }
}
