namespace Vigil.ML.Training;

/// <summary>Class weights that make rare classes count as much as common ones in the loss.</summary>
public static class ClassWeights
{
    /// <summary>
    /// Inverse-frequency weights, normalised so the average weight per training example is 1:
    /// <c>w[c] = N / (K · n[c])</c>, with <c>N</c> the total count and <c>K</c> the number of classes that occur
    /// (scikit-learn's "balanced"). Then <c>Σ n[c]·w[c] = N</c>, so the loss keeps its scale and the learning rate
    /// its meaning. A class with no examples gets weight 0: it never appears as a target.
    /// </summary>
    /// <exception cref="ArgumentException">A count is negative, or every count is zero.</exception>
    public static double[] InverseFrequency(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Any(c => c < 0)) throw new ArgumentException("class counts cannot be negative", nameof(counts));
        double total = counts.Sum(c => (double)c);
        int present = counts.Count(c => c > 0);
        if (present == 0) throw new ArgumentException("every class count is zero: there is nothing to weight", nameof(counts));
        return counts.Select(c => c == 0 ? 0.0 : total / (present * (double)c)).ToArray();
    }
}
