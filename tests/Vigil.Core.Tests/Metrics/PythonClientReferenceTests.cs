using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Core.Metrics;

namespace Vigil.Core.Tests.Metrics;

/// <summary>
/// The Python client (clients/python, <c>vigil_monitor.metrics</c>) computes validation figures with numpy; its tests
/// compare them with <c>clients/python/tests/fixtures/metrics_reference.json</c>, which this test writes from
/// Vigil.Core.Metrics and checks is still what Vigil computes: Vigil's C# is the one source of truth.
/// Regenerate after a deliberate change with <c>VIGIL_WRITE_FIXTURES=1 dotnet test --filter PythonClientReferenceTests</c>.
/// </summary>
public sealed class PythonClientReferenceTests
{
    private static string FixturePath
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Vigil.slnx"))) folder = folder.Parent;
            Assert.NotNull(folder);
            return Path.Combine(folder!.FullName, "clients", "python", "tests", "fixtures", "metrics_reference.json");
        }
    }

    [Fact]
    public void The_python_clients_reference_figures_are_what_Vigil_computes()
    {
        string expected = Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("VIGIL_WRITE_FIXTURES") == "1") File.WriteAllText(FixturePath, expected);
        Assert.True(File.Exists(FixturePath), $"{FixturePath} is missing; write it with VIGIL_WRITE_FIXTURES=1");
        Assert.Equal(expected, File.ReadAllText(FixturePath));
    }

    private static JsonObject Build()
    {
        var cases = new JsonArray
        {
            Case("random-4-classes", RandomCase(seed: 7, samples: 300, classes: 4, absent: null), ["normal", "RAO", "RVO", "Retinal_Detachment"]),
            Case("absent-class", RandomCase(seed: 11, samples: 120, classes: 5, absent: 3), null),
            Case("ties-and-binary", (
                [[0.5, 0.5], [0.5, 0.5], [0.2, 0.8], [0.8, 0.2], [0.4, 0.6], [0.6, 0.4], [0.5, 0.5], [0.1, 0.9]],
                [0, 1, 1, 0, 1, 0, 1, 1]), ["normal", "anomaly"]),
        };
        return new JsonObject
        {
            ["about"] = "Written by tests/Vigil.Core.Tests/Metrics/PythonClientReferenceTests.cs from Vigil.Core.Metrics; do not edit.",
            ["cases"] = cases,
        };
    }

    private static (double[][] Scores, int[] Labels) RandomCase(int seed, int samples, int classes, int? absent)
    {
        var random = new Random(seed);
        var scores = new double[samples][];
        var labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            int label;
            do label = random.Next(classes); while (label == absent);
            labels[i] = label;
            // Softmax of noisy logits leaning to the true class, rounded to 3 decimals so ties happen.
            double[] logits = Enumerable.Range(0, classes).Select(c => random.NextDouble() * 2 + (c == label ? 1.2 : 0)).ToArray();
            double sum = logits.Sum(Math.Exp);
            scores[i] = logits.Select(l => Math.Round(Math.Exp(l) / sum, 3)).ToArray();
        }
        return (scores, labels);
    }

    private static JsonObject Case(string name, (double[][] Scores, int[] Labels) input, string[]? classNames)
    {
        ClassificationReport report = ClassificationReport.FromProbabilities(input.Scores, input.Labels, classNames);
        OneVsRestAuc auc = report.RocAucOvr!;
        static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        var perClass = new JsonArray();
        foreach (ClassMetrics c in report.PerClass)
        {
            perClass.Add(new JsonObject
            {
                ["class"] = c.Name, ["sensitivity"] = c.Recall, ["specificity"] = c.Specificity, ["precision"] = c.Precision,
                ["f1"] = c.F1, ["auroc"] = Number(auc.PerClass[c.Index]), ["support"] = c.Support,
            });
        }
        return new JsonObject
        {
            ["name"] = name,
            ["class_names"] = classNames is null ? null : new JsonArray(classNames.Select(n => (JsonNode?)n).ToArray()),
            ["y_true"] = new JsonArray(input.Labels.Select(l => (JsonNode?)l).ToArray()),
            ["y_score"] = new JsonArray(input.Scores.Select(row => (JsonNode?)new JsonArray(row.Select(v => (JsonNode?)v).ToArray())).ToArray()),
            ["expected"] = new JsonObject
            {
                ["accuracy"] = report.Accuracy,
                ["f1_macro"] = report.MacroAvg.F1,
                ["auroc_macro"] = Number(auc.Macro),
                ["auroc_weighted"] = Number(auc.Weighted),
                ["per_class"] = perClass,
                ["confusion_matrix"] = new JsonArray(report.ConfusionMatrix.ToRows().Select(r => (JsonNode?)new JsonArray(r.Select(v => (JsonNode?)v).ToArray())).ToArray()),
            },
        };
    }
}
