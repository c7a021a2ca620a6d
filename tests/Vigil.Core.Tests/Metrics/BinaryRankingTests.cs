using Vigil.Core.Metrics;
using R = Vigil.Core.Tests.Metrics.SklearnReference;

namespace Vigil.Core.Tests.Metrics;

public class BinaryRankingTests
{
    private const int Digits = 12;

    [Fact]
    public void Generated_inputs_match_the_python_generator()
    {
        var (s1, y1) = ReferenceInputs.TiesMedium();
        Assert.Equal(R.TiesMediumPositives, y1.Sum());
        Assert.Equal(R.TiesMediumScoreSum, s1.Sum(), Digits);
        var (s2, y2) = ReferenceInputs.ErrorsLarge();
        Assert.Equal(R.ErrorsLargePositives, y2.Sum());
        Assert.Equal(R.ErrorsLargeScoreSum, s2.Sum(), 9);
    }

    [Fact]
    public void Roc_curve_of_the_sklearn_docstring_example_matches_exactly()
    {
        var roc = RocCurve.Compute(R.DocScores, R.DocLabels);
        Assert.Equal(R.DocRocFpr, roc.Fpr);
        Assert.Equal(R.DocRocTpr, roc.Tpr);
        Assert.Equal(R.DocRocThresholds, roc.Thresholds);
        Assert.Equal(0.75, BinaryMetrics.Auroc(R.DocScores, R.DocLabels), Digits);
    }

    [Fact]
    public void Roc_curve_with_tied_scores_keeps_one_point_per_distinct_score()
    {
        var roc = RocCurve.Compute(R.TieScores, R.TieLabels);
        Assert.Equal(R.TieRocPoints, roc.Fpr.Count);
        Assert.Equal(R.TieRocFpr, roc.Fpr);
        Assert.Equal(R.TieRocTpr, roc.Tpr);
        Assert.Equal(R.TieRocThresholds, roc.Thresholds);
    }

    [Fact]
    public void Auroc_counts_ties_as_half_a_win()
    {
        // Hand count over the 4 × 4 (anomaly, normal) pairs: 4 + 3.5 + 2 + 1 = 10.5 wins → 10.5 / 16.
        Assert.Equal(10.5 / 16, BinaryMetrics.Auroc(R.TieScores, R.TieLabels), Digits);
        Assert.Equal(R.TieAuroc, BinaryMetrics.Auroc(R.TieScores, R.TieLabels), Digits);
        // All scores tied: no information, exactly one half.
        Assert.Equal(0.5, BinaryMetrics.Auroc([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1]), Digits);
    }

    [Fact]
    public void Auroc_is_one_for_a_perfect_ranking_and_zero_for_a_reversed_one()
    {
        Assert.Equal(1.0, BinaryMetrics.Auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]));
        Assert.Equal(0.0, BinaryMetrics.Auroc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]));
    }

    [Fact]
    public void Precision_recall_curves_match_sklearn_on_the_small_cases()
    {
        var doc = PrecisionRecallCurve.Compute(R.DocScores, R.DocLabels);
        AssertClose(R.DocPrPrecision, doc.Precision);
        AssertClose(R.DocPrRecall, doc.Recall);
        Assert.Equal(R.DocPrThresholds, doc.Thresholds);

        var tie = PrecisionRecallCurve.Compute(R.TieScores, R.TieLabels);
        AssertClose(R.TiePrPrecision, tie.Precision);
        AssertClose(R.TiePrRecall, tie.Recall);
        Assert.Equal(R.TiePrThresholds, tie.Thresholds);
    }

    [Fact]
    public void Average_precision_matches_sklearn_and_the_hand_value()
    {
        // Doc example by hand: ranks 0.8 (+), 0.4 (−), 0.35 (+) → (1/2)·1 + (1/2)·(2/3) = 5/6.
        Assert.Equal(5.0 / 6, BinaryMetrics.AveragePrecision(R.DocScores, R.DocLabels), Digits);
        Assert.Equal(R.TieAveragePrecision, BinaryMetrics.AveragePrecision(R.TieScores, R.TieLabels), Digits);
    }

    [Fact]
    public void Heavily_tied_generated_scores_match_sklearn()
    {
        var (s, y) = ReferenceInputs.TiesMedium();
        Assert.Equal(R.TiesMediumAuroc, BinaryMetrics.Auroc(s, y), Digits);
        Assert.Equal(R.TiesMediumAveragePrecision, BinaryMetrics.AveragePrecision(s, y), Digits);
        AssertCurveAgrees(s, y, R.TiesMediumRocPoints, R.TiesMediumPrPoints,
            R.TiesMediumRocFprSum, R.TiesMediumRocTprSum, R.TiesMediumRocThresholdSum,
            R.TiesMediumPrPrecisionSum, R.TiesMediumPrRecallSum,
            R.TiesMediumRocMidIndex, R.TiesMediumRocMidFpr, R.TiesMediumRocMidTpr, R.TiesMediumRocMidThreshold);
    }

    [Fact]
    public void Large_error_like_scores_match_sklearn()
    {
        var (s, y) = ReferenceInputs.ErrorsLarge();
        Assert.Equal(R.ErrorsLargeAuroc, BinaryMetrics.Auroc(s, y), Digits);
        Assert.Equal(R.ErrorsLargeAveragePrecision, BinaryMetrics.AveragePrecision(s, y), Digits);
        AssertCurveAgrees(s, y, R.ErrorsLargeRocPoints, R.ErrorsLargePrPoints,
            R.ErrorsLargeRocFprSum, R.ErrorsLargeRocTprSum, R.ErrorsLargeRocThresholdSum,
            R.ErrorsLargePrPrecisionSum, R.ErrorsLargePrRecallSum,
            R.ErrorsLargeRocMidIndex, R.ErrorsLargeRocMidFpr, R.ErrorsLargeRocMidTpr, R.ErrorsLargeRocMidThreshold);
    }

    [Fact]
    public void Tpr_at_fpr_matches_sklearn_roc_points()
    {
        AssertTprAtFpr(R.DocScores, R.DocLabels, R.DocFprTargets, R.DocTprAtFpr);
        AssertTprAtFpr(R.TieScores, R.TieLabels, R.TieFprTargets, R.TieTprAtFpr);
        var (s1, y1) = ReferenceInputs.TiesMedium();
        AssertTprAtFpr(s1, y1, R.TiesMediumFprTargets, R.TiesMediumTprAtFpr);
        var (s2, y2) = ReferenceInputs.ErrorsLarge();
        AssertTprAtFpr(s2, y2, R.ErrorsLargeFprTargets, R.ErrorsLargeTprAtFpr);
    }

    [Fact]
    public void Tpr_at_fpr_reports_a_threshold_that_reproduces_it()
    {
        var (s, y) = ReferenceInputs.ErrorsLarge();
        var t = BinaryMetrics.TprAtFpr(s, y, 0.05);
        Assert.True(t.Fpr <= 0.05);
        var check = BinaryMetrics.AtThreshold(s, y, t.Threshold);
        Assert.Equal(t.Tpr, check.Tpr);
        Assert.Equal(t.Fpr, check.Fpr);
    }

    [Fact]
    public void Tpr_at_fpr_falls_back_to_the_origin_when_the_top_score_is_a_false_alarm()
    {
        // The highest score is normal, so any rule flagging something has FPR ≥ 1/2 > 0.1.
        var t = BinaryMetrics.TprAtFpr([0.9, 0.5, 0.4, 0.1], [0, 1, 1, 0], 0.1);
        Assert.Equal(0.0, t.Tpr);
        Assert.Equal(0.0, t.Fpr);
        Assert.Equal(1.9, t.Threshold, Digits);
    }

    [Fact]
    public void Detection_and_false_alarm_rates_at_a_threshold_count_ties_as_positive()
    {
        var p = BinaryMetrics.AtThreshold(R.TieScores, R.TieLabels, 0.7);
        // score >= 0.7 flags 0.9(+) 0.8(+) 0.8(−) 0.7(+) 0.7(−) 0.7(−).
        Assert.Equal((3, 3, 1, 1), (p.TruePositives, p.FalsePositives, p.TrueNegatives, p.FalseNegatives));
        Assert.Equal(0.75, p.DetectionRate);
        Assert.Equal(0.75, p.FalseAlarmRate);
        Assert.Equal(0.5, p.Precision);
        Assert.Equal(0.6, p.F1, Digits);
    }

    [Fact]
    public void Operating_point_above_every_score_has_zero_precision_not_nan()
    {
        var p = BinaryMetrics.AtThreshold([0.1, 0.9], [0, 1], 5.0);
        Assert.Equal(0.0, p.Tpr);
        Assert.Equal(0.0, p.Precision);
        Assert.Equal(0.0, p.F1);
    }

    [Fact]
    public void Summary_computes_everything_from_one_sort()
    {
        var (s, y) = ReferenceInputs.TiesMedium();
        var summary = BinaryMetrics.Summarize(s, y);
        Assert.Equal(R.TiesMediumAuroc, summary.Auroc, Digits);
        Assert.Equal(R.TiesMediumAveragePrecision, summary.AveragePrecision, Digits);
        Assert.Equal((R.TiesMediumPositives, 600 - R.TiesMediumPositives), (summary.Positives, summary.Negatives));
        Assert.Equal(R.TiesMediumFprTargets, summary.TprAtFpr.Select(t => t.TargetFpr));
        Assert.Equal(R.TiesMediumTprAtFpr, summary.TprAtFpr.Select(t => t.Tpr));
    }

    [Fact]
    public void Auroc_equals_a_brute_force_pair_count_on_random_tied_data()
    {
        var random = new Random(7);
        for (int round = 0; round < 20; round++)
        {
            int n = random.Next(2, 120);
            var s = new double[n];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                s[i] = random.Next(8) / 4.0 - 1.0; // few distinct values, negatives included
                y[i] = random.Next(3) == 0 ? 1 : 0;
            }
            y[0] = 1;
            y[1] = 0;
            double wins = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    if (y[i] != 1 || y[j] != 0) continue;
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
            Assert.Equal(wins / pairs, BinaryMetrics.Auroc(s, y), Digits);
        }
    }

    [Fact]
    public void Metrics_do_not_depend_on_sample_order()
    {
        var (s, y) = ReferenceInputs.ErrorsLarge();
        int[] order = Enumerable.Range(0, s.Length).OrderBy(i => (i * 7919) % s.Length).ToArray();
        double[] s2 = order.Select(i => s[i]).ToArray();
        int[] y2 = order.Select(i => y[i]).ToArray();
        Assert.Equal(BinaryMetrics.Auroc(s, y), BinaryMetrics.Auroc(s2, y2));
        Assert.Equal(BinaryMetrics.AveragePrecision(s, y), BinaryMetrics.AveragePrecision(s2, y2));
        Assert.Equal(RocCurve.Compute(s, y).Tpr, RocCurve.Compute(s2, y2).Tpr);
    }

    [Fact]
    public void One_class_makes_auroc_nan_and_curves_refuse()
    {
        Assert.True(double.IsNaN(BinaryMetrics.Auroc([0.1, 0.2], [0, 0])));
        Assert.True(double.IsNaN(BinaryMetrics.Auroc([0.1, 0.2], [1, 1])));
        Assert.True(double.IsNaN(BinaryMetrics.AveragePrecision([0.1, 0.2], [0, 0])));
        Assert.Equal(1.0, BinaryMetrics.AveragePrecision([0.1, 0.2], [1, 1]));
        var summary = BinaryMetrics.Summarize([0.1, 0.2], [0, 0]);
        Assert.True(double.IsNaN(summary.Auroc));
        Assert.True(double.IsNaN(summary.TprAtFpr[0].Tpr));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([0.1, 0.2], [1, 1]));
        Assert.Throws<ArgumentException>(() => PrecisionRecallCurve.Compute([0.1, 0.2], [0, 0]));
    }

    [Fact]
    public void Invalid_inputs_are_rejected_with_a_clear_message()
    {
        var nan = Assert.Throws<ArgumentException>(() => BinaryMetrics.Auroc([0.1, double.NaN], [0, 1]));
        Assert.Contains("score 1", nan.Message);
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Auroc([0.1, double.PositiveInfinity], [0, 1]));
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Auroc([], []));
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Auroc([0.1, 0.2], [0]));
        var label = Assert.Throws<ArgumentException>(() => BinaryMetrics.Auroc([0.1, 0.2], [0, 2]));
        Assert.Contains("0 (normal) or 1 (anomaly)", label.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryMetrics.TprAtFpr([0.1, 0.2], [0, 1], 1.5));
        Assert.Throws<ArgumentException>(() => BinaryMetrics.AtThreshold([0.1, 0.2], [0, 1], double.NaN));
    }

    [Fact]
    public void Two_hundred_thousand_samples_give_a_plausible_summary_and_curve()
    {
        // How long this takes (O(n log n): tens of ms) is the metrics-ranking benchmark's figure, not this test's.
        var random = new Random(3);
        int n = 200_000;
        var s = new double[n];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = random.Next(10) == 0 ? 1 : 0;
            s[i] = Math.Round(random.NextDouble() + 0.5 * y[i], 4);
        }
        var summary = BinaryMetrics.Summarize(s, y);
        var roc = RocCurve.Compute(s, y);
        Assert.InRange(summary.Auroc, 0.8, 0.95);
        Assert.True(roc.Fpr.Count > 1000);
    }

    private static void AssertCurveAgrees(
        double[] s, int[] y, int rocPoints, int prPoints,
        double fprSum, double tprSum, double thresholdSum, double precisionSum, double recallSum,
        int mid, double midFpr, double midTpr, double midThreshold)
    {
        var roc = RocCurve.Compute(s, y);
        Assert.Equal(rocPoints, roc.Fpr.Count);
        Assert.Equal(fprSum, roc.Fpr.Sum(), 9);
        Assert.Equal(tprSum, roc.Tpr.Sum(), 9);
        Assert.Equal(thresholdSum, roc.Thresholds.Sum(), 9);
        Assert.Equal(midFpr, roc.Fpr[mid], Digits);
        Assert.Equal(midTpr, roc.Tpr[mid], Digits);
        Assert.Equal(midThreshold, roc.Thresholds[mid]);
        var pr = PrecisionRecallCurve.Compute(s, y);
        Assert.Equal(prPoints, pr.Precision.Count);
        Assert.Equal(precisionSum, pr.Precision.Sum(), 9);
        Assert.Equal(recallSum, pr.Recall.Sum(), 9);
    }

    private static void AssertTprAtFpr(double[] s, int[] y, double[] targets, double[] expected)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            Assert.Equal(expected[i], BinaryMetrics.TprAtFpr(s, y, targets[i]).Tpr, Digits);
        }
    }

    private static void AssertClose(double[] expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], Digits);
    }

    [Fact]
    public void Auroc_standard_error_follows_Hanley_and_McNeil()
    {
        // Worked by hand from the paper's formula: A = 0.9 on 50 + 50 images → Q1 = 0.9/1.1, Q2 = 1.62/1.9, SE = 0.03212.
        Assert.Equal(0.03212, BinaryMetrics.AurocStandardError(0.9, 50, 50), 5);
        // More images, smaller error; a perfect ranking has none; undefined without both sides.
        Assert.True(BinaryMetrics.AurocStandardError(0.9, 500, 500) < BinaryMetrics.AurocStandardError(0.9, 50, 50));
        Assert.Equal(0, BinaryMetrics.AurocStandardError(1.0, 10, 10), 12);
        Assert.True(double.IsNaN(BinaryMetrics.AurocStandardError(0.9, 0, 10)));
        Assert.True(double.IsNaN(BinaryMetrics.AurocStandardError(double.NaN, 10, 10)));
    }

    [Fact]
    public void Auroc_standard_error_from_labels_counts_ones_as_anomalies_and_zeros_as_normals()
    {
        int[] labels = [.. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(0, 70)];

        Assert.Equal(BinaryMetrics.AurocStandardError(0.9, 30, 70), BinaryMetrics.AurocStandardError(0.9, labels), 12);
        Assert.NotEqual(BinaryMetrics.AurocStandardError(0.9, 70, 30), BinaryMetrics.AurocStandardError(0.9, labels), 6);
        Assert.True(double.IsNaN(BinaryMetrics.AurocStandardError(0.9, new int[] { 0, 0, 0 })));
    }
}
