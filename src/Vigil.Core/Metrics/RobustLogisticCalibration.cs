using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// A monotone map from a raw reconstruction error to [0, 1], fitted on the errors of NORMAL validation images,
/// so that the unsupervised score can be mixed with class probabilities in the hybrid model:
/// <code>
/// z   = (error − Center) / Scale          robust z-score: Center = median, Scale = 1.4826 · MAD
/// Map = 1 / (1 + exp(−(Bias + Slope · z)))
/// </code>
/// <see cref="Fit"/> picks Bias so the normal median maps to <c>medianTarget</c> (default 0.12) and Slope so the
/// normal 99th percentile maps to <c>p99Target</c> (default 0.95); errors further out approach 1.
/// Median and MAD (not mean and std) keep a few unusual "normal" images from stretching the scale.
/// The record holds parameters only: a model package stores it, and <see cref="Map"/> recomputes the very same
/// value from them, so inference reproduces evaluation.
/// </summary>
public sealed record RobustLogisticCalibration
{
    /// <summary>Value of <see cref="Method"/> for this mapping.</summary>
    public const string MethodName = "robust_logistic";

    /// <summary>Consistency constant making the MAD of a normal distribution equal its standard deviation.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>Default value of the normal median after mapping.</summary>
    public const double DefaultMedianTarget = 0.12;

    /// <summary>Default value of the normal 99th percentile after mapping.</summary>
    public const double DefaultP99Target = 0.95;

    // z of the 99th percentile of a Gaussian: the slope used when the normals' own p99 says nothing.
    private const double GaussianZ99 = 2.3263478740408408;

    /// <summary>Creates a calibration from stored parameters (validated).</summary>
    /// <param name="center">Error mapped to logit = Bias (the normal median).</param>
    /// <param name="scale">Error units per robust z unit; &gt; 0.</param>
    /// <param name="slope">Logit units per z unit; &gt; 0, so the map is increasing.</param>
    /// <param name="bias">Logit of the value at <paramref name="center"/>.</param>
    /// <param name="sampleCount">Normal errors it was fitted on (for the record; not used by <see cref="Map"/>).</param>
    /// <exception cref="ArgumentException">A non-finite parameter, or a scale or slope that is not positive.</exception>
    [JsonConstructor]
    public RobustLogisticCalibration(double center, double scale, double slope, double bias, int sampleCount)
    {
        if (!double.IsFinite(center)) throw new ArgumentException($"center {center} must be finite.", nameof(center));
        if (!(double.IsFinite(scale) && scale > 0)) throw new ArgumentException($"scale {scale} must be positive.", nameof(scale));
        if (!(double.IsFinite(slope) && slope > 0)) throw new ArgumentException($"slope {slope} must be positive.", nameof(slope));
        if (!double.IsFinite(bias)) throw new ArgumentException($"bias {bias} must be finite.", nameof(bias));
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        Center = center;
        Scale = scale;
        Slope = slope;
        Bias = bias;
        SampleCount = sampleCount;
    }

    /// <summary>Identifies the mapping in a stored model, so a future variant can be told apart.</summary>
    public string Method => MethodName;

    /// <summary>Error at z = 0: the median normal error.</summary>
    public double Center { get; }

    /// <summary>Error units per z unit: 1.4826 · MAD of the normal errors (see <see cref="Fit"/> for fallbacks).</summary>
    public double Scale { get; }

    /// <summary>Logit units per z unit.</summary>
    public double Slope { get; }

    /// <summary>Logit at z = 0.</summary>
    public double Bias { get; }

    /// <summary>Number of normal errors fitted.</summary>
    public int SampleCount { get; }

    /// <summary>
    /// Maps an error to (0, 1); strictly increasing in the error (ties only where double precision saturates
    /// at 0 or 1). NaN stays NaN, so a broken input is visible rather than looking normal.
    /// </summary>
    public double Map(double error)
    {
        double x = Bias + Slope * ((error - Center) / Scale);
        // Two algebraically equal forms, each used where exp cannot overflow.
        if (x >= 0) return 1.0 / (1.0 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1.0 + e);
    }

    /// <summary>The error that maps to <paramref name="probability"/>, e.g. to show a threshold in error units.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> not strictly within (0, 1).</exception>
    public double Inverse(double probability)
    {
        if (!(probability > 0 && probability < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be strictly within (0, 1).");
        }
        return Center + Scale * ((Logit(probability) - Bias) / Slope);
    }

    /// <summary>
    /// Fits the map on reconstruction errors of normal samples.
    /// Scale is 1.4826 · MAD; when more than half the errors are equal (MAD = 0) it falls back to
    /// (p99 − median) / 2.326, then to the standard deviation, then to 1e-6 · max(1, |median|) for constant data.
    /// When p99 does not exceed the median, the slope assumes Gaussian tails (p99 at z = 2.326).
    /// </summary>
    /// <param name="normalErrors">Errors of normal validation samples; finite, at least one.</param>
    /// <param name="medianTarget">Mapped value of the median normal error, in (0, <paramref name="p99Target"/>).</param>
    /// <param name="p99Target">Mapped value of the 99th-percentile normal error, in (<paramref name="medianTarget"/>, 1).</param>
    /// <exception cref="ArgumentException">No error, a non-finite error, or targets not ordered within (0, 1).</exception>
    public static RobustLogisticCalibration Fit(
        ReadOnlySpan<double> normalErrors, double medianTarget = DefaultMedianTarget, double p99Target = DefaultP99Target)
    {
        if (!(medianTarget > 0 && medianTarget < p99Target && p99Target < 1))
        {
            throw new ArgumentException(
                $"targets must satisfy 0 < median target ({medianTarget}) < p99 target ({p99Target}) < 1.", nameof(medianTarget));
        }
        var summary = Descriptive.Summarize(normalErrors); // validates: non-empty, finite
        double median = summary.Median;

        var deviations = new double[normalErrors.Length];
        for (int i = 0; i < deviations.Length; i++) deviations[i] = Math.Abs(normalErrors[i] - median);
        double scale = MadToSigma * Descriptive.Percentile(deviations, 50);
        if (!(scale > 0)) scale = (summary.P99 - median) / GaussianZ99;
        if (!(scale > 0)) scale = summary.Std;
        if (!(scale > 0)) scale = 1e-6 * Math.Max(1.0, Math.Abs(median));

        double z99 = (summary.P99 - median) / scale;
        if (!(z99 > 0)) z99 = GaussianZ99;
        double bias = Logit(medianTarget);
        double slope = (Logit(p99Target) - bias) / z99;
        return new RobustLogisticCalibration(median, scale, slope, bias, normalErrors.Length);
    }

    private static double Logit(double p) => Math.Log(p / (1.0 - p));
}
