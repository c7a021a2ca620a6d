using Vigil.Core.Metrics;

namespace Vigil.Core.Tests.Metrics;

public class TemperatureScalingTests
{
    // Labels drawn from softmax(u) while the logits given are 3·u: the fit should find T ≈ 3.
    [Fact]
    public void Fit_recovers_the_temperature_that_generated_the_labels()
    {
        var random = new Random(7);
        var logits = new List<double[]>();
        var truth = new List<int>();
        for (int i = 0; i < 4000; i++)
        {
            var u = Enumerable.Range(0, 4).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            var p = new TemperatureScaling(1).Probabilities(u);
            double r = random.NextDouble(), sum = 0;
            int label = 3;
            for (int k = 0; k < 4; k++) { sum += p[k]; if (r < sum) { label = k; break; } }
            logits.Add(u.Select(v => 3 * v).ToArray());
            truth.Add(label);
        }
        var fitted = TemperatureScaling.Fit(logits, truth);
        Assert.InRange(fitted.Temperature, 2.7, 3.3);
        Assert.True(TemperatureScaling.Nll(logits, truth, fitted.Temperature) < TemperatureScaling.Nll(logits, truth, 1));
        var before = TemperatureScaling.ExpectedCalibrationError(logits.Select(z => new TemperatureScaling(1).Probabilities(z)).ToArray(), truth);
        var after = TemperatureScaling.ExpectedCalibrationError(logits.Select(z => fitted.Probabilities(z)).ToArray(), truth);
        Assert.True(after < before / 2, $"ECE {before:F3} → {after:F3}");
    }

    [Fact]
    public void Perfectly_separated_validation_does_not_make_every_answer_certain()
    {
        // 48 images, every one right by a wide margin: plain NLL keeps falling as T → 0.
        var logits = Enumerable.Range(0, 48).Select(i => new[] { i % 3 == 0 ? 6.0 : 0.0, i % 3 == 1 ? 6.0 : 0.0, i % 3 == 2 ? 6.0 : 0.0 }).ToList();
        var truth = Enumerable.Range(0, 48).Select(i => i % 3).ToList();
        var fitted = TemperatureScaling.Fit(logits, truth);
        Assert.True(fitted.Temperature > TemperatureScaling.MinTemperature * 2, $"T = {fitted.Temperature}");
        double top = fitted.Probabilities([6.0, 0.0, 0.0]).Max();
        Assert.InRange(top, 1 - 3.0 / 50, 1 - 0.3 / 50); // about the 1/(N+2) = 1/50 doubt the fit keeps
        // An ambiguous image (two classes level) stays near 0.5 for them, not 1.
        Assert.InRange(fitted.Probabilities([3.0, 3.0, 0.0]).Max(), 0.45, 0.5);
    }

    [Fact]
    public void Probabilities_keep_the_argmax_and_sum_to_one()
    {
        var p = new TemperatureScaling(2.5).Probabilities([1.0, 4.0, -2.0]);
        Assert.Equal(1, Array.IndexOf(p, p.Max()));
        Assert.Equal(1.0, p.Sum(), 12);
        Assert.Equal(0.0, TemperatureScaling.ExpectedCalibrationError([[0.0, 1.0], [1.0, 0.0]], [1, 0]), 12);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit([], []));
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit([[1.0, 2.0]], [2]));
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit([[1.0, double.NaN]], [0]));
    }
}
