using System.Text.Json;
using Vigil.Core.Json;
using Vigil.Core.Metrics;
using R = Vigil.Core.Tests.Metrics.SklearnReference;

namespace Vigil.Core.Tests.Metrics;

public class CalibrationTests
{
    private const int Digits = 12;

    [Fact]
    public void Fit_uses_the_numpy_median_and_mad_of_the_normal_errors()
    {
        double[] errors = ReferenceInputs.NormalErrors();
        Assert.Equal(R.NormalErrorSum, errors.Sum(), 9);
        var c = RobustLogisticCalibration.Fit(errors);
        Assert.Equal(R.NormalMedian, c.Center, Digits);
        Assert.Equal(1.4826 * R.NormalMad, c.Scale, Digits);
        Assert.Equal(errors.Length, c.SampleCount);
    }

    [Fact]
    public void Normal_median_and_99th_percentile_map_to_their_targets()
    {
        var c = RobustLogisticCalibration.Fit(ReferenceInputs.NormalErrors());
        Assert.Equal(0.12, c.Map(R.NormalMedian), Digits);
        Assert.Equal(0.95, c.Map(R.NormalP99), Digits);
        Assert.True(c.Map(2 * R.NormalP99) > 0.999);
        Assert.True(c.Map(0.0) < 0.12);

        var custom = RobustLogisticCalibration.Fit(ReferenceInputs.NormalErrors(), medianTarget: 0.05, p99Target: 0.9);
        Assert.Equal(0.05, custom.Map(R.NormalMedian), Digits);
        Assert.Equal(0.9, custom.Map(R.NormalP99), Digits);
    }

    [Fact]
    public void Map_is_monotone_and_bounded_across_a_wide_range()
    {
        var c = RobustLogisticCalibration.Fit(ReferenceInputs.NormalErrors());
        double previous = c.Map(-1e6);
        Assert.Equal(0.0, previous, Digits);
        for (double e = -10; e <= 10; e += 0.001)
        {
            double m = c.Map(e);
            Assert.InRange(m, 0.0, 1.0);
            Assert.True(m >= previous, $"Map({e}) = {m} < {previous}");
            previous = m;
        }
        Assert.Equal(1.0, c.Map(1e300));
        Assert.Equal(0.0, c.Map(-1e300));
        Assert.True(double.IsNaN(c.Map(double.NaN)));
    }

    [Fact]
    public void Inverse_undoes_map()
    {
        var c = RobustLogisticCalibration.Fit(ReferenceInputs.NormalErrors());
        foreach (double e in new[] { 0.1, R.NormalMedian, 0.5, R.NormalP99 })
        {
            Assert.Equal(e, c.Inverse(c.Map(e)), 9);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Inverse(1.0));
    }

    [Fact]
    public void Stored_parameters_reproduce_the_map_bit_for_bit()
    {
        var c = RobustLogisticCalibration.Fit(ReferenceInputs.NormalErrors());
        string json = JsonSerializer.Serialize(c, VigilJson.Options);
        Assert.Contains("\"method\": \"robust_logistic\"", json);
        Assert.Contains("\"sample_count\": 1000", json);
        var back = JsonSerializer.Deserialize<RobustLogisticCalibration>(json, VigilJson.Options)!;
        Assert.Equal(c, back);
        foreach (double e in ReferenceInputs.NormalErrors()) Assert.Equal(c.Map(e), back.Map(e));
    }

    [Fact]
    public void Degenerate_normals_still_give_a_valid_increasing_map()
    {
        // More than half identical: MAD = 0, so the scale falls back to the p99 spread.
        double[] mostlySame = [.. Enumerable.Repeat(0.2, 90), .. Enumerable.Range(1, 10).Select(i => 0.2 + i * 0.01)];
        var a = RobustLogisticCalibration.Fit(mostlySame);
        Assert.Equal(0.12, a.Map(0.2), Digits);
        Assert.True(a.Map(0.3) > a.Map(0.25));

        // All identical: still finite, and anything above the constant looks anomalous.
        var b = RobustLogisticCalibration.Fit([0.4, 0.4, 0.4]);
        Assert.Equal(0.12, b.Map(0.4), Digits);
        Assert.True(b.Map(0.41) > 0.99);
    }

    [Fact]
    public void Invalid_fits_and_parameters_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RobustLogisticCalibration.Fit([]));
        Assert.Throws<ArgumentException>(() => RobustLogisticCalibration.Fit([0.1, double.NaN]));
        Assert.Throws<ArgumentException>(() => RobustLogisticCalibration.Fit([0.1, 0.2], medianTarget: 0.9, p99Target: 0.5));
        Assert.Throws<ArgumentException>(() => new RobustLogisticCalibration(0.1, 0.0, 1.0, 0.0, 1));
        Assert.Throws<ArgumentException>(() => new RobustLogisticCalibration(0.1, 1.0, -1.0, 0.0, 1));
        // A tampered model file fails on load with the constructor's message, not later with a silent NaN.
        Assert.Throws<ArgumentException>(() => JsonSerializer.Deserialize<RobustLogisticCalibration>(
            "{\"center\": 0.1, \"scale\": -1, \"slope\": 1, \"bias\": 0, \"sample_count\": 1}", VigilJson.Options));
    }
}
