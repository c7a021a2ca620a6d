using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Core.Json;
using Vigil.Core.Metrics;
using R = Vigil.Core.Tests.Metrics.SklearnReference;

namespace Vigil.Core.Tests.Metrics;

/// <summary>The records print with the key names `vigil evaluate --format json` promises.</summary>
public class MetricsJsonTests
{
    [Fact]
    public void Binary_summary_uses_contract_keys_and_writes_undefined_values_as_null()
    {
        var (s, y) = ReferenceInputs.TiesMedium();
        var json = Node(BinaryMetrics.Summarize(s, y));
        Assert.Equal(R.TiesMediumAuroc, json["auroc"]!.GetValue<double>(), 12);
        Assert.NotNull(json["average_precision"]);
        var first = json["tpr_at_fpr"]!.AsArray()[0]!;
        Assert.Equal(0.01, first["target_fpr"]!.GetValue<double>());
        Assert.NotNull(first["tpr"]);
        Assert.NotNull(first["threshold"]);

        var undefined = Node(BinaryMetrics.Summarize([0.1, 0.2], [0, 0]));
        // JsonNode represents a JSON null as a present key with a null node.
        Assert.True(undefined.AsObject().ContainsKey("auroc"));
        Assert.Null(undefined["auroc"]);
        Assert.True(undefined["tpr_at_fpr"]!.AsArray()[0]!.AsObject().ContainsKey("tpr"));
        Assert.Null(undefined["tpr_at_fpr"]!.AsArray()[0]!["tpr"]);
    }

    [Fact]
    public void Operating_point_has_threshold_f1_and_counts_but_no_duplicate_aliases()
    {
        var json = Node(ThresholdSelection.MaxF1(R.TieScores, R.TieLabels));
        string[] keys = json.AsObject().Select(p => p.Key).ToArray();
        Assert.Equal(
            ["threshold", "tpr", "fpr", "precision", "f1", "true_positives", "false_positives", "true_negatives", "false_negatives"],
            keys);
        Assert.Equal(R.TieMaxF1Threshold, json["threshold"]!.GetValue<double>());
    }

    [Fact]
    public void Classification_report_prints_per_class_and_the_matrix_as_rows()
    {
        var (y, p) = ReferenceInputs.Multiclass();
        var report = ClassificationReport.FromProbabilities(p, y, ["a", "b", "c", "d"]);
        var json = Node(report);
        Assert.Equal(R.MultiAccuracy, json["accuracy"]!.GetValue<double>());
        var perClass = json["per_class"]!.AsArray();
        Assert.Equal(4, perClass.Count);
        Assert.Equal("c", perClass[2]!["name"]!.GetValue<string>());
        Assert.NotNull(perClass[2]!["f1"]);
        Assert.NotNull(perClass[2]!["specificity"]);
        Assert.Null(perClass[2]!.AsObject()["sensitivity"]);
        Assert.Equal(R.MultiConfusion[1][2], json["confusion_matrix"]![1]![2]!.GetValue<int>());
        Assert.NotNull(json["macro_avg"]!["f1"]);
        Assert.NotNull(json["weighted_avg"]!["f1"]);
        Assert.Equal(R.MultiOvrMacro, json["roc_auc_ovr"]!["macro"]!.GetValue<double>(), 12);
    }

    [Fact]
    public void Classification_report_round_trips()
    {
        var report = ClassificationReport.Compute(R.SmallTrue, R.SmallPred, 4);
        string text = JsonSerializer.Serialize(report, VigilJson.Options);
        var back = JsonSerializer.Deserialize<ClassificationReport>(text, VigilJson.Options)!;
        Assert.Equal(report.ConfusionMatrix.ToRows(), back.ConfusionMatrix.ToRows());
        Assert.Equal(report.PerClass, back.PerClass);
        Assert.Equal(report.MacroAvg, back.MacroAvg);
        Assert.Equal(text, JsonSerializer.Serialize(back, VigilJson.Options));
    }

    [Fact]
    public void Undefined_per_class_auc_round_trips_through_null()
    {
        var auc = new OneVsRestAuc([0.9, double.NaN], 0.9, 0.9);
        string text = JsonSerializer.Serialize(auc, VigilJson.Options);
        Assert.Contains("null", text);
        var back = JsonSerializer.Deserialize<OneVsRestAuc>(text, VigilJson.Options)!;
        Assert.Equal(0.9, back.PerClass[0]);
        Assert.True(double.IsNaN(back.PerClass[1]));
    }

    [Fact]
    public void Curves_and_histograms_serialize_as_plain_arrays()
    {
        var json = Node(RocCurve.Compute(R.DocScores, R.DocLabels));
        Assert.Equal(5, json["fpr"]!.AsArray().Count);
        Assert.Equal(1.8, json["thresholds"]![0]!.GetValue<double>(), 12);
        var histogram = Node(ScoreHistogram.Compute(R.TieScores, R.TieLabels, 4, 0, 1));
        Assert.Equal(5, histogram["bin_edges"]!.AsArray().Count);
        Assert.Equal(4, histogram["anomalous"]!.AsArray().Sum(n => n!.GetValue<int>()));
        var summary = Node(Descriptive.Summarize(R.TieScores));
        Assert.NotNull(summary["p99"]);
        Assert.NotNull(summary["median"]);
    }

    private static JsonNode Node<T>(T value) =>
        JsonNode.Parse(JsonSerializer.Serialize(value, VigilJson.Options))!;
}
