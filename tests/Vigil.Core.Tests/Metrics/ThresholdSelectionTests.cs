using Vigil.Core.Metrics;
using R = Vigil.Core.Tests.Metrics.SklearnReference;

namespace Vigil.Core.Tests.Metrics;

public class ThresholdSelectionTests
{
    private const int Digits = 12;

    public static TheoryData<string> Cases => ["Doc", "Tie", "TiesMedium", "ErrorsLarge"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Max_f1_matches_a_brute_force_search(string name)
    {
        var c = Case(name);
        var p = ThresholdSelection.MaxF1(c.Scores, c.Labels);
        Assert.Equal(c.MaxF1Threshold, p.Threshold);
        Assert.Equal(c.MaxF1, p.F1, Digits);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Max_youden_j_matches_a_brute_force_search(string name)
    {
        var c = Case(name);
        var p = ThresholdSelection.MaxYoudenJ(c.Scores, c.Labels);
        Assert.Equal(c.YoudenThreshold, p.Threshold);
        Assert.Equal(c.Youden, p.Tpr - p.Fpr, Digits);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Required_sensitivity_gives_the_highest_threshold_reaching_it(string name)
    {
        var c = Case(name);
        foreach (var (target, expected) in new[] { (0.8, c.Sens80), (0.95, c.Sens95) })
        {
            var p = ThresholdSelection.ForSensitivity(c.Scores, c.Labels, target);
            Assert.Equal(expected.Threshold, p.Threshold);
            Assert.Equal(expected.Tpr, p.Tpr, Digits);
            Assert.Equal(expected.Fpr, p.Fpr, Digits);
            Assert.Equal(expected.Precision, p.Precision, Digits);
            Assert.True(p.Tpr >= target);
        }
    }

    [Fact]
    public void Youden_ties_resolve_to_the_highest_threshold()
    {
        // Doc example: J = 0.5 at both 0.8 (TPR ½, FPR 0) and 0.35 (TPR 1, FPR ½); the higher one wins.
        var p = ThresholdSelection.MaxYoudenJ(R.DocScores, R.DocLabels);
        Assert.Equal(0.8, p.Threshold);
        Assert.Equal(0.5, p.Tpr);
        Assert.Equal(0.0, p.Fpr);
    }

    [Fact]
    public void Selected_thresholds_reproduce_their_operating_point_with_score_at_or_above()
    {
        var (s, y) = ReferenceInputs.TiesMedium();
        foreach (var chosen in new[]
                 {
                     ThresholdSelection.MaxF1(s, y), ThresholdSelection.MaxYoudenJ(s, y),
                     ThresholdSelection.ForSensitivity(s, y, 0.9), ThresholdSelection.ForFalseAlarmRate(s, y, 0.2),
                 })
        {
            Assert.Equal(chosen, BinaryMetrics.AtThreshold(s, y, chosen.Threshold));
        }
    }

    [Fact]
    public void Sensitivity_one_keeps_every_anomaly_and_zero_flags_only_the_top()
    {
        var all = ThresholdSelection.ForSensitivity(R.TieScores, R.TieLabels, 1.0);
        Assert.Equal(0.3, all.Threshold); // the lowest-scored anomaly
        Assert.Equal(0, all.FalseNegatives);
        var none = ThresholdSelection.ForSensitivity(R.TieScores, R.TieLabels, 0.0);
        Assert.Equal(0.9, none.Threshold); // the first distinct score already satisfies TPR ≥ 0
    }

    [Fact]
    public void False_alarm_budget_works_with_normal_samples_only()
    {
        double[] normals = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
        var p = ThresholdSelection.ForFalseAlarmRate(normals, new int[10], 0.2);
        Assert.Equal(0.9, p.Threshold); // flags 0.9 and 1.0: FPR exactly 0.2
        Assert.Equal(0.2, p.Fpr);
        Assert.True(double.IsNaN(p.Tpr));
    }

    [Fact]
    public void Critical_class_threshold_matches_the_one_vs_rest_brute_force()
    {
        var (y, probabilities) = ReferenceInputs.Multiclass();
        var p = ThresholdSelection.ForClassSensitivity(probabilities, y, 2, 0.9);
        Assert.Equal(R.MultiClass2Sens90Threshold, p.Threshold);
        Assert.Equal(R.MultiClass2Sens90Tpr, p.Tpr, Digits);
        Assert.Equal(R.MultiClass2Sens90Fpr, p.Fpr, Digits);
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdSelection.ForClassSensitivity(probabilities, y, 4, 0.9));
    }

    [Fact]
    public void Selection_without_the_needed_class_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ThresholdSelection.MaxF1([0.1, 0.2], [0, 0]));
        Assert.Throws<ArgumentException>(() => ThresholdSelection.MaxYoudenJ([0.1, 0.2], [1, 1]));
        Assert.Throws<ArgumentException>(() => ThresholdSelection.ForSensitivity([0.1, 0.2], [0, 0], 0.9));
        Assert.Throws<ArgumentException>(() => ThresholdSelection.ForFalseAlarmRate([0.1, 0.2], [1, 1], 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdSelection.ForSensitivity([0.1, 0.2], [0, 1], double.NaN));
    }

    private sealed record Point(double Threshold, double Tpr, double Fpr, double Precision);

    private sealed record Expected(
        double[] Scores, int[] Labels, double MaxF1Threshold, double MaxF1, double YoudenThreshold, double Youden,
        Point Sens80, Point Sens95);

    private static Expected Case(string name)
    {
        switch (name)
        {
            case "Doc":
                return new(R.DocScores, R.DocLabels, R.DocMaxF1Threshold, R.DocMaxF1, R.DocMaxYoudenThreshold, R.DocMaxYouden,
                    new(R.DocSens80Threshold, R.DocSens80Tpr, R.DocSens80Fpr, R.DocSens80Precision),
                    new(R.DocSens95Threshold, R.DocSens95Tpr, R.DocSens95Fpr, R.DocSens95Precision));
            case "Tie":
                return new(R.TieScores, R.TieLabels, R.TieMaxF1Threshold, R.TieMaxF1, R.TieMaxYoudenThreshold, R.TieMaxYouden,
                    new(R.TieSens80Threshold, R.TieSens80Tpr, R.TieSens80Fpr, R.TieSens80Precision),
                    new(R.TieSens95Threshold, R.TieSens95Tpr, R.TieSens95Fpr, R.TieSens95Precision));
            case "TiesMedium":
            {
                var (s, y) = ReferenceInputs.TiesMedium();
                return new(s, y, R.TiesMediumMaxF1Threshold, R.TiesMediumMaxF1, R.TiesMediumMaxYoudenThreshold, R.TiesMediumMaxYouden,
                    new(R.TiesMediumSens80Threshold, R.TiesMediumSens80Tpr, R.TiesMediumSens80Fpr, R.TiesMediumSens80Precision),
                    new(R.TiesMediumSens95Threshold, R.TiesMediumSens95Tpr, R.TiesMediumSens95Fpr, R.TiesMediumSens95Precision));
            }
            default:
            {
                var (s, y) = ReferenceInputs.ErrorsLarge();
                return new(s, y, R.ErrorsLargeMaxF1Threshold, R.ErrorsLargeMaxF1, R.ErrorsLargeMaxYoudenThreshold, R.ErrorsLargeMaxYouden,
                    new(R.ErrorsLargeSens80Threshold, R.ErrorsLargeSens80Tpr, R.ErrorsLargeSens80Fpr, R.ErrorsLargeSens80Precision),
                    new(R.ErrorsLargeSens95Threshold, R.ErrorsLargeSens95Tpr, R.ErrorsLargeSens95Fpr, R.ErrorsLargeSens95Precision));
            }
        }
    }
}
