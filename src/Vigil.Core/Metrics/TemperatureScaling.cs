namespace Vigil.Core.Metrics;

/// <summary>
/// Temperature scaling (Guo et al. 2017): one scalar T divides a classifier's logits before the softmax, fitted to
/// minimise the negative log-likelihood of held-out (validation) labels. It leaves the argmax, so accuracy, unchanged
/// and fixes the over-confidence networks trained with cross-entropy usually show. The record holds T only; a model
/// package stores it and <see cref="Probabilities"/> recomputes the very same values from it.
/// </summary>
/// <param name="Temperature">T &gt; 0; 1 leaves the softmax as it is, above 1 softens it.</param>
public sealed record TemperatureScaling(double Temperature)
{
    /// <summary>The range T is searched in; a fit at an end means the logits carry almost no (or all) information.</summary>
    public const double MinTemperature = 0.05, MaxTemperature = 20;

    /// <summary>
    /// The T (in [<see cref="MinTemperature"/>, <see cref="MaxTemperature"/>]) with the lowest mean cross-entropy
    /// against <paramref name="truth"/>, each label held to be right with probability 1 − 1/(N + 2) (Laplace's rule of
    /// succession for N images). Plain NLL has no minimum when validation is separated perfectly: T then falls to its
    /// bound and every image, ambiguous or not, gets a confidence of 1. N validation images cannot show an error rate
    /// below about 1/(N + 2), so the fitted confidence stays below that certainty too.
    /// </summary>
    /// <param name="logits">Per image, one logit per class.</param>
    /// <param name="truth">Per image, the index of its true class.</param>
    /// <exception cref="ArgumentException">No images, lengths differ, a row's length differs, a label is out of range, or a logit is not finite.</exception>
    public static TemperatureScaling Fit(IReadOnlyList<double[]> logits, IReadOnlyList<int> truth)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(truth);
        if (logits.Count == 0) throw new ArgumentException("temperature scaling needs at least one image", nameof(logits));
        if (logits.Count != truth.Count) throw new ArgumentException($"{logits.Count} logit rows but {truth.Count} labels", nameof(truth));
        int k = logits[0].Length;
        for (int i = 0; i < logits.Count; i++)
        {
            if (logits[i].Length != k) throw new ArgumentException($"logit row {i} has {logits[i].Length} values, not {k}", nameof(logits));
            if (truth[i] < 0 || truth[i] >= k) throw new ArgumentException($"label {truth[i]} of image {i} is not a class index below {k}", nameof(truth));
            if (logits[i].Any(v => !double.IsFinite(v))) throw new ArgumentException($"logit row {i} holds a value that is not finite", nameof(logits));
        }
        double doubt = k > 1 ? 1.0 / (logits.Count + 2) : 0;
        double Loss(double logT) => SmoothedNll(logits, truth, Math.Exp(logT), doubt);
        // The cross-entropy is convex in 1/T, hence unimodal in log T: a golden-section search finds its minimum.
        double a = Math.Log(MinTemperature), b = Math.Log(MaxTemperature);
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double c = b - ratio * (b - a), d = a + ratio * (b - a);
        double fc = Loss(c), fd = Loss(d);
        for (int iteration = 0; iteration < 80; iteration++)
        {
            if (fc < fd) { b = d; d = c; fd = fc; c = b - ratio * (b - a); fc = Loss(c); }
            else { a = c; c = d; fc = fd; d = a + ratio * (b - a); fd = Loss(d); }
        }
        return new TemperatureScaling(Math.Exp((a + b) / 2));
    }

    /// <summary>Softmax of <paramref name="logits"/> / T.</summary>
    public double[] Probabilities(ReadOnlySpan<double> logits)
    {
        var result = new double[logits.Length];
        double max = double.NegativeInfinity;
        foreach (double v in logits) max = Math.Max(max, v / Temperature);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += result[i] = Math.Exp(logits[i] / Temperature - max);
        for (int i = 0; i < result.Length; i++) result[i] /= sum;
        return result;
    }

    // Mean cross-entropy against targets holding 1 − doubt on the label and doubt spread over the other classes.
    private static double SmoothedNll(IReadOnlyList<double[]> logits, IReadOnlyList<int> truth, double temperature, double doubt)
    {
        var scaling = new TemperatureScaling(temperature);
        double total = 0;
        for (int i = 0; i < logits.Count; i++)
        {
            double[] p = scaling.Probabilities(logits[i]);
            double other = doubt / (p.Length - 1);
            for (int j = 0; j < p.Length; j++)
            {
                double target = j == truth[i] ? 1 - doubt : other;
                if (target > 0) total -= target * Math.Log(Math.Max(1e-300, p[j]));
            }
        }
        return total / logits.Count;
    }

    /// <summary>Mean negative log-likelihood of <paramref name="truth"/> under the softmax of logits / <paramref name="temperature"/>.</summary>
    public static double Nll(IReadOnlyList<double[]> logits, IReadOnlyList<int> truth, double temperature)
    {
        var scaling = new TemperatureScaling(temperature);
        double total = 0;
        for (int i = 0; i < logits.Count; i++) total -= Math.Log(Math.Max(1e-300, scaling.Probabilities(logits[i])[truth[i]]));
        return total / logits.Count;
    }

    /// <summary>
    /// Expected calibration error: images binned by their top probability into <paramref name="bins"/> equal-width
    /// bins; the image-weighted mean over bins of |accuracy − mean confidence|. 0 is perfectly calibrated.
    /// </summary>
    /// <exception cref="ArgumentException">No images, or lengths differ.</exception>
    public static double ExpectedCalibrationError(IReadOnlyList<double[]> probabilities, IReadOnlyList<int> truth, int bins = 15)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(truth);
        if (probabilities.Count == 0 || probabilities.Count != truth.Count)
            throw new ArgumentException($"{probabilities.Count} probability rows and {truth.Count} labels: need the same, non-zero number", nameof(truth));
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var count = new int[bins];
        var confidence = new double[bins];
        var correct = new double[bins];
        for (int i = 0; i < probabilities.Count; i++)
        {
            double[] p = probabilities[i];
            int top = 0;
            for (int j = 1; j < p.Length; j++) if (p[j] > p[top]) top = j;
            int bin = Math.Min(bins - 1, (int)(p[top] * bins));
            count[bin]++; confidence[bin] += p[top]; correct[bin] += top == truth[i] ? 1 : 0;
        }
        double ece = 0;
        for (int bin = 0; bin < bins; bin++)
            if (count[bin] > 0) ece += Math.Abs(correct[bin] - confidence[bin]) / probabilities.Count;
        return ece;
    }
}
