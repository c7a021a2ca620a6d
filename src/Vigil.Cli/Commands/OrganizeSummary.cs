using System.Globalization;
using Spectre.Console;
using Vigil.Datasets;

namespace Vigil.Cli.Commands;

/// <summary>The summary <c>vigil organize</c> (and <c>vigil demo</c>) prints for a dataset it made.</summary>
public static class OrganizeSummary
{
    /// <summary>The JSON document of <c>--format json</c>.</summary>
    public static object ToJson(OrganizeResult result) => new
    {
        dataset_path = result.DatasetPath,
        replaced_existing = result.ReplacedExisting,
        elapsed_seconds = Math.Round(result.Elapsed.TotalSeconds, 3),
        images_per_second = Math.Round(result.ImagesPerSecond, 1),
        rejected_path = result.RejectedPath,
        metadata = result.Metadata,
        training_config = result.TrainingConfig,
    };

    /// <summary>Prints a human summary on stdout.</summary>
    public static void Print(OrganizeResult result)
    {
        var m = result.Metadata;
        var t = result.TrainingConfig;
        var console = AnsiConsole.Console;
        console.MarkupLine($"[bold]Dataset[/] [green]{Markup.Escape(m.Name)}[/] → {Markup.Escape(result.DatasetPath)}" + (result.ReplacedExisting ? " (replaced the previous version)" : ""));
        console.WriteLine($"  {m.NumImages:N0} images: {m.NumLabeled:N0} labeled, {m.NumUnlabeled:N0} unlabeled ({m.LabeledFraction * 100:N0}% labeled); " +
                          $"{m.ImagesWritten:N0} written as PNG under images/; organized in {result.Elapsed.TotalSeconds:N1} s ({result.ImagesPerSecond:N0} images/s)");
        console.WriteLine($"  split {m.Split.Train}/{m.Split.Val}/{m.Split.Test} ({m.SplitMethod}), seed {m.Seed}, balance {m.Balance.Mode}; " +
                          $"normal class: {NormalClass(m.NormalClass, m.NormalClassSource)}");

        var table = new Table().Border(TableBorder.Rounded).AddColumn("class").AddColumn(new TableColumn("train").RightAligned())
            .AddColumn(new TableColumn("val").RightAligned()).AddColumn(new TableColumn("test").RightAligned()).AddColumn(new TableColumn("total").RightAligned());
        foreach (var cls in m.Classes)
        {
            int Count(string split) => m.ClassCounts.TryGetValue(split, out var c) && c.TryGetValue(cls, out var n) ? n : 0;
            int train = Count("train"), val = Count("val"), test = Count("test");
            var label = cls == m.NormalClass ? $"{Markup.Escape(cls)} [grey](normal class)[/]" : Markup.Escape(cls);
            table.AddRow(label, N(train), N(val), N(test), N(train + val + test));
        }
        if (m.NumUnlabeled > 0)
        {
            int U(string split) => m.UnlabeledCounts.TryGetValue(split, out var n) ? n : 0;
            table.AddRow("[grey](unlabeled)[/]", N(U("train")), N(U("val")), N(U("test")), N(m.NumUnlabeled));
        }
        console.Write(table);

        console.WriteLine($"  regions: {Counts(m.Regions)}");
        console.WriteLine($"  modalities: {Counts(m.Modalities)}");
        console.WriteLine($"  image size: {m.ImageSize.Width.Min}–{m.ImageSize.Width.Max} × {m.ImageSize.Height.Min}–{m.ImageSize.Height.Max} px " +
                          $"(median {m.ImageSize.Width.Median}×{m.ImageSize.Height.Median}); channels {Counts(m.ImageSize.Channels)}; bits {Counts(m.ImageSize.BitDepths)}");
        console.WriteLine($"  duplicates: {m.Duplicates.Count:N0} in {m.Duplicates.Groups:N0} groups (kept in one split each)" +
                          (m.Duplicates.LabelConflicts > 0 ? $", {m.Duplicates.LabelConflicts} with conflicting labels (see metadata.json)" : ""));
        console.WriteLine(m.Rejected.Count > 0
            ? $"  rejected: {m.Rejected.Count:N0} files (reasons in {m.Rejected.File})"
            : "  rejected: none");
        var plan = (t.Strategy, t.LedBy) switch
        {
            ("hybrid", "supervised") => "hybrid, led by the classifier",
            ("hybrid", "unsupervised") => "hybrid, led by the VAE",
            ("hybrid", _) => "balanced hybrid",
            var (strategy, _) => strategy,
        };
        console.MarkupLine($"[bold]Training plan[/]: {Markup.Escape(plan)}; ensemble weights " +
                           $"supervised {t.EnsembleWeights.Supervised.ToString(CultureInfo.InvariantCulture)} / unsupervised {t.EnsembleWeights.Unsupervised.ToString(CultureInfo.InvariantCulture)}; " +
                           $"image {t.ImageSize}px × {t.Channels} ch, batch {t.BatchSize}, epochs {t.Epochs}");
        console.WriteLine($"  {t.Reason}");
    }

    private static string NormalClass(string? name, string source) => (name, source) switch
    {
        (null, _) => "none found (name one with --normal-class; until then every class counts as an anomaly type)",
        (_, "option") => $"{name} (from --normal-class)",
        (_, "name") => $"{name} (recognised by its name)",
        (_, "catalog") => $"{name} (from the MedMNIST catalog)",
        _ => $"{name} ({source})",
    };

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Counts(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:N0}"));
}
