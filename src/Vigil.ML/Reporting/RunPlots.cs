using ScottPlot;

namespace Vigil.ML.Reporting;

/// <summary>One named curve of a line chart.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values (same length as X).</param>
public sealed record PlotSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>
/// The PNG plots of a training run (loss curves, ROC, PR, confusion matrix, score histogram), drawn with ScottPlot.
/// Every method writes one file atomically and never throws for empty data (it draws an empty chart with a note).
/// </summary>
public static class RunPlots
{
    private const int Width = 800, Height = 560;

    /// <summary>Line chart of curves sharing an x axis (e.g. train/val loss per epoch).</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IEnumerable<PlotSeries> series)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        foreach (var s in series.Where(s => s.X.Count > 0))
        {
            var line = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray());
            line.LegendText = s.Name;
            line.MarkerSize = s.X.Count <= 60 ? 5 : 0;
        }
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>ROC curve with the chance diagonal; the legend carries the AUROC.</summary>
    public static void Roc(string path, IReadOnlyList<double> fpr, IReadOnlyList<double> tpr, double auroc, string title = "ROC")
    {
        var plot = NewPlot(title, "false positive rate", "true positive rate");
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.LineColor = Colors.Gray;
        if (fpr.Count > 0)
        {
            var curve = plot.Add.Scatter(fpr.ToArray(), tpr.ToArray());
            curve.MarkerSize = 0;
            curve.LineWidth = 2;
            curve.LegendText = $"AUROC {auroc:F3}";
            plot.ShowLegend(Alignment.LowerRight);
        }
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        Save(plot, path);
    }

    /// <summary>Precision-recall curve; the legend carries the average precision.</summary>
    public static void PrecisionRecall(string path, IReadOnlyList<double> recall, IReadOnlyList<double> precision, double averagePrecision, string title = "Precision-recall")
    {
        var plot = NewPlot(title, "recall", "precision");
        if (recall.Count > 0)
        {
            var curve = plot.Add.Scatter(recall.ToArray(), precision.ToArray());
            curve.MarkerSize = 0;
            curve.LineWidth = 2;
            curve.ConnectStyle = ConnectStyle.StepVertical;
            curve.LegendText = $"AP {averagePrecision:F3}";
            plot.ShowLegend(Alignment.LowerLeft);
        }
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        Save(plot, path);
    }

    /// <summary>Confusion matrix as a heatmap with counts in the cells (rows = true class, columns = predicted).</summary>
    public static void ConfusionMatrix(string path, int[][] matrix, IReadOnlyList<string> classes, string title = "Confusion matrix")
    {
        int n = matrix.Length;
        var plot = NewPlot(title, "predicted", "true");
        if (n > 0)
        {
            // Row-normalised colours so small classes stay visible; the numbers are raw counts.
            // Cells are drawn as rectangles (not a heatmap plottable) so each sits exactly on its tick.
            for (int r = 0; r < n; r++)
            {
                double total = Math.Max(1, matrix[r].Sum());
                for (int c = 0; c < n; c++)
                {
                    double share = matrix[r][c] / total;
                    double y = n - 1 - r;
                    var cell = plot.Add.Rectangle(c - 0.5, c + 0.5, y - 0.5, y + 0.5);
                    cell.FillColor = Colors.White.MixedWith(Colors.Navy, share);
                    cell.LineColor = Colors.LightGray;
                    var label = plot.Add.Text(matrix[r][c].ToString(System.Globalization.CultureInfo.InvariantCulture), c, y);
                    label.LabelAlignment = Alignment.MiddleCenter;
                    label.LabelFontColor = share > 0.5 ? Colors.White : Colors.Black;
                    label.LabelFontSize = n > 12 ? 9 : 14;
                }
            }
            plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
            var ticks = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
            plot.Axes.Bottom.SetTicks(ticks, classes.ToArray());
            plot.Axes.Left.SetTicks(ticks, classes.Reverse().ToArray());
        }
        Save(plot, path);
    }

    /// <summary>Overlaid histograms of anomaly scores for normal and anomalous images, with the decision threshold.</summary>
    public static void ScoreHistogram(string path, IReadOnlyList<double> normal, IReadOnlyList<double> anomalous, double? threshold, string title = "Anomaly score")
    {
        var plot = NewPlot(title, "score", "images");
        var all = normal.Concat(anomalous).Where(double.IsFinite).ToArray();
        if (all.Length > 0)
        {
            double min = all.Min(), max = all.Max();
            if (max <= min) max = min + 1e-6;
            const int bins = 40;
            double width = (max - min) / bins;
            AddBars(plot, normal, min, width, bins, Colors.SteelBlue.WithAlpha(0.6), "normal");
            AddBars(plot, anomalous, min, width, bins, Colors.OrangeRed.WithAlpha(0.6), "anomalous");
            if (threshold is { } t && double.IsFinite(t))
            {
                var line = plot.Add.VerticalLine(t);
                line.LinePattern = LinePattern.Dashed;
                line.LegendText = $"threshold {t:F3}";
            }
            plot.ShowLegend(Alignment.UpperRight);
        }
        Save(plot, path);
    }

    private static void AddBars(Plot plot, IReadOnlyList<double> values, double min, double width, int bins, Color color, string name)
    {
        var counts = new double[bins];
        foreach (var v in values)
            if (double.IsFinite(v)) counts[Math.Clamp((int)((v - min) / width), 0, bins - 1)]++;
        var bars = Enumerable.Range(0, bins).Select(i => new Bar
        {
            Position = min + (i + 0.5) * width, Value = counts[i], Size = width, FillColor = color, LineWidth = 0,
        }).ToList();
        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = name;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static void Save(Plot plot, string path)
    {
        var temp = path + ".tmp.png";
        plot.SavePng(temp, Width, Height);
        File.Move(temp, path, overwrite: true);
    }
}
