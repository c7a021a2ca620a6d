namespace Vigil.Core.Metrics;

/// <summary>
/// Helpers over a class-probability matrix: one row per sample, one column per class (softmax output).
/// Rows need not sum to exactly 1 (float32 softmax does not), but every value must be finite.
/// </summary>
public static class ClassProbabilities
{
    /// <summary>
    /// The predicted class of each row: the index of its largest value, the lowest index on ties (numpy's argmax).
    /// </summary>
    /// <exception cref="ArgumentException">Empty matrix, ragged rows, or a non-finite value.</exception>
    public static int[] Top1(IReadOnlyList<double[]> probabilities)
    {
        int classCount = ValidateMatrix(probabilities);
        var predicted = new int[probabilities.Count];
        for (int i = 0; i < predicted.Length; i++)
        {
            double[] row = probabilities[i];
            int best = 0;
            for (int k = 1; k < classCount; k++)
            {
                if (row[k] > row[best]) best = k;
            }
            predicted[i] = best;
        }
        return predicted;
    }

    /// <summary>Top-1 accuracy: the share of rows whose argmax is the true class.</summary>
    /// <exception cref="ArgumentException">Invalid matrix, or labels not matching it.</exception>
    public static double Top1Accuracy(IReadOnlyList<double[]> probabilities, ReadOnlySpan<int> trueClasses)
    {
        Validate(probabilities, trueClasses);
        int[] predicted = Top1(probabilities);
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            if (predicted[i] == trueClasses[i]) correct++;
        }
        return (double)correct / predicted.Length;
    }

    /// <summary>Validates matrix and labels together; returns the class count.</summary>
    internal static int Validate(IReadOnlyList<double[]> probabilities, ReadOnlySpan<int> trueClasses)
    {
        int classCount = ValidateMatrix(probabilities);
        if (trueClasses.Length != probabilities.Count)
        {
            throw new ArgumentException(
                $"{probabilities.Count} probability rows but {trueClasses.Length} labels; pass one label per row.",
                nameof(trueClasses));
        }
        ClassLabels.Validate(trueClasses, classCount, nameof(trueClasses));
        return classCount;
    }

    /// <summary>Column k as a binary score, with labels 1 where the true class is k.</summary>
    internal static (double[] Scores, int[] Labels) OneVsRest(
        IReadOnlyList<double[]> probabilities, ReadOnlySpan<int> trueClasses, int classIndex)
    {
        var scores = new double[probabilities.Count];
        var labels = new int[probabilities.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = probabilities[i][classIndex];
            labels[i] = trueClasses[i] == classIndex ? 1 : 0;
        }
        return (scores, labels);
    }

    private static int ValidateMatrix(IReadOnlyList<double[]> probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Count == 0)
        {
            throw new ArgumentException("no probability rows: need at least one sample.", nameof(probabilities));
        }
        int classCount = probabilities[0]?.Length ?? 0;
        if (classCount == 0)
        {
            throw new ArgumentException("probability rows have no columns; need one column per class.", nameof(probabilities));
        }
        for (int i = 0; i < probabilities.Count; i++)
        {
            double[]? row = probabilities[i];
            if (row is null || row.Length != classCount)
            {
                throw new ArgumentException(
                    $"probability row {i} has {row?.Length ?? 0} columns, row 0 has {classCount}; rows must have one column per class.",
                    nameof(probabilities));
            }
            foreach (double p in row)
            {
                if (!double.IsFinite(p))
                {
                    throw new ArgumentException($"probability row {i} contains {p}; values must be finite.", nameof(probabilities));
                }
            }
        }
        return classCount;
    }
}
