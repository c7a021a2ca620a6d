using Vigil.Core.Metrics;
using R = Vigil.Core.Tests.Metrics.SklearnReference;

namespace Vigil.Core.Tests.Metrics;

public class ClassificationTests
{
    private const int Digits = 12;

    [Fact]
    public void Confusion_matrix_has_true_classes_as_rows()
    {
        var m = ConfusionMatrix.From(R.SmallTrue, R.SmallPred, 4);
        Assert.Equal(R.SmallConfusion, m.ToRows());
        // Hand check: sample 1 is class 1 predicted as 2 → row 1, column 2.
        Assert.Equal(1, m[1, 2]);
        Assert.Equal(10, m.Total);
        Assert.Equal(7, m.Correct);
        Assert.Equal(4, m.RowTotal(2));
        Assert.Equal(3, m.ColumnTotal(0));
    }

    [Fact]
    public void Report_of_the_small_case_matches_sklearn_including_an_absent_class()
    {
        var report = ClassificationReport.Compute(R.SmallTrue, R.SmallPred, 4, ["normal", "tumor", "bleed", "other"]);
        AssertReport(report, R.SmallAccuracy, R.SmallPrecision, R.SmallRecall, R.SmallSpecificity, R.SmallF1, R.SmallSupport,
            [R.SmallMacroPrecision, R.SmallMacroRecall, R.SmallMacroSpecificity, R.SmallMacroF1],
            [R.SmallWeightedPrecision, R.SmallWeightedRecall, R.SmallWeightedSpecificity, R.SmallWeightedF1]);
        Assert.Equal("bleed", report.PerClass[2].Name);
        Assert.Equal(0.75, report.PerClass[2].Sensitivity); // 3 of 4 found
        Assert.Null(report.RocAucOvr);
    }

    [Fact]
    public void Report_from_probabilities_matches_sklearn_with_top1_and_ovr_auc()
    {
        var (y, p) = ReferenceInputs.Multiclass();
        Assert.Equal(R.MultiClassCounts, Enumerable.Range(0, 4).Select(k => y.Count(v => v == k)));
        Assert.Equal(R.MultiProbabilitySum, p.Sum(row => row.Sum()), 9);

        var report = ClassificationReport.FromProbabilities(p, y);
        Assert.Equal(R.MultiConfusion, report.ConfusionMatrix.ToRows());
        AssertReport(report, R.MultiAccuracy, R.MultiPrecision, R.MultiRecall, R.MultiSpecificity, R.MultiF1, R.MultiSupport,
            [R.MultiMacroPrecision, R.MultiMacroRecall, R.MultiMacroSpecificity, R.MultiMacroF1],
            [R.MultiWeightedPrecision, R.MultiWeightedRecall, R.MultiWeightedSpecificity, R.MultiWeightedF1]);
        Assert.Equal("3", report.PerClass[3].Name);

        var auc = Assert.IsType<OneVsRestAuc>(report.RocAucOvr);
        for (int k = 0; k < 4; k++) Assert.Equal(R.MultiOvrAuc[k], auc.PerClass[k], Digits);
        Assert.Equal(R.MultiOvrMacro, auc.Macro, Digits);
        Assert.Equal(R.MultiOvrWeighted, auc.Weighted, Digits);
        Assert.Equal(R.MultiTop1Accuracy, ClassProbabilities.Top1Accuracy(p, y), Digits);
    }

    [Fact]
    public void Top1_picks_the_lowest_index_on_ties_like_numpy_argmax()
    {
        double[][] p = [[0.4, 0.4, 0.2], [0.1, 0.3, 0.6], [0.5, 0.25, 0.25]];
        Assert.Equal([0, 2, 0], ClassProbabilities.Top1(p));
        Assert.Equal(2.0 / 3, ClassProbabilities.Top1Accuracy(p, [1, 2, 0]), Digits);
    }

    [Fact]
    public void Ovr_auc_of_a_class_absent_from_the_set_is_nan_and_left_out_of_the_averages()
    {
        // Class 2 never occurs. Class 0 is ranked perfectly by column 0, class 1 perfectly by column 1.
        double[][] p = [[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.3, 0.5, 0.2]];
        var auc = OneVsRestAuc.Compute(p, [0, 0, 1, 1]);
        Assert.Equal(1.0, auc.PerClass[0]);
        Assert.Equal(1.0, auc.PerClass[1]);
        Assert.True(double.IsNaN(auc.PerClass[2]));
        Assert.Equal(1.0, auc.Macro);
        Assert.Equal(1.0, auc.Weighted);
    }

    [Fact]
    public void Report_from_an_accumulated_matrix_equals_the_report_from_predictions()
    {
        var rows = R.SmallConfusion.Select(r => (IReadOnlyList<int>)r).ToArray();
        var fromMatrix = ClassificationReport.FromConfusionMatrix(new ConfusionMatrix(rows));
        var fromPredictions = ClassificationReport.Compute(R.SmallTrue, R.SmallPred, 4);
        Assert.Equal(fromPredictions.PerClass, fromMatrix.PerClass);
        Assert.Equal(fromPredictions.MacroAvg, fromMatrix.MacroAvg);
        Assert.Equal(fromPredictions.Accuracy, fromMatrix.Accuracy);
    }

    [Fact]
    public void Invalid_multiclass_inputs_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.From([0, 1], [0], 2));
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.From([0, 3], [0, 1], 3));
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.From([], [], 3));
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute([0, 1], [0, 1], 2, ["only one name"]));
        Assert.Throws<ArgumentException>(() => ClassProbabilities.Top1([[0.5, 0.5], [1.0]]));
        Assert.Throws<ArgumentException>(() => ClassProbabilities.Top1([[double.NaN, 0.5]]));
        Assert.Throws<ArgumentException>(() => OneVsRestAuc.Compute([[0.5, 0.5]], [0, 1]));
        Assert.Throws<ArgumentException>(() => new ConfusionMatrix([[1, 2], [3]]));
    }

    private static void AssertReport(
        ClassificationReport report, double accuracy, double[] precision, double[] recall, double[] specificity,
        double[] f1, int[] support, double[] macro, double[] weighted)
    {
        Assert.Equal(accuracy, report.Accuracy, Digits);
        Assert.Equal(precision.Length, report.PerClass.Count);
        for (int k = 0; k < precision.Length; k++)
        {
            var c = report.PerClass[k];
            Assert.Equal(k, c.Index);
            Assert.Equal(precision[k], c.Precision, Digits);
            Assert.Equal(recall[k], c.Recall, Digits);
            Assert.Equal(specificity[k], c.Specificity, Digits);
            Assert.Equal(f1[k], c.F1, Digits);
            Assert.Equal(support[k], c.Support);
        }
        Assert.Equal(macro, new[] { report.MacroAvg.Precision, report.MacroAvg.Recall, report.MacroAvg.Specificity, report.MacroAvg.F1 },
            new ToleranceComparer());
        Assert.Equal(weighted, new[] { report.WeightedAvg.Precision, report.WeightedAvg.Recall, report.WeightedAvg.Specificity, report.WeightedAvg.F1 },
            new ToleranceComparer());
        Assert.Equal(support.Sum(), report.WeightedAvg.Support);
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= 1e-12;

        public int GetHashCode(double obj) => 0;
    }
}
