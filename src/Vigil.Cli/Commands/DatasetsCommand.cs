using System.CommandLine;
using Spectre.Console;
using Vigil.Cli.Infrastructure;
using Vigil.Datasets;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil datasets list</c>: the organized datasets under an output root, with their counts.</summary>
public static class DatasetsCommand
{
    /// <summary>Creates the verb and its sub-verbs.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "Folder holding organized datasets (the --output given to 'vigil organize')",
            DefaultValueFactory = _ => OrganizeOptions.DefaultOutputRoot,
            HelpName = "DIR",
        };
        var format = CommonOptions.Format();
        var list = new Command("list", "List the organized datasets with their image, label, class and split counts") { output, format };
        list.SetAction(VigilApp.Guarded("datasets list", (parse, _) =>
        {
            var root = parse.GetValue(output)!;
            if (parse.GetValue(format) == OutputFormat.Json)
                JsonOutput.Write(new { output = Path.GetFullPath(root), datasets = DatasetCatalog.List(root).Select(ToJson) });
            else PrintList(root);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return new Command("datasets", "Inspect organized datasets") { list };
    }

    private static object ToJson(DatasetSummary d) => new
    {
        name = d.Name,
        path = d.Path,
        strategy = d.Strategy,
        error = d.Error,
        num_images = d.Metadata?.NumImages,
        num_labeled = d.Metadata?.NumLabeled,
        num_unlabeled = d.Metadata?.NumUnlabeled,
        classes = d.Metadata?.Classes,
        normal_class = d.Metadata?.NormalClass,
        split = d.Metadata?.Split,
        class_counts = d.Metadata?.ClassCounts,
        regions = d.Metadata?.Regions,
        modalities = d.Metadata?.Modalities,
        created = d.Metadata?.Created,
    };

    private static string ClassesCell(IReadOnlyList<string> classes) =>
        classes.Count <= 3 ? string.Join(", ", classes) : $"{classes.Count}: {string.Join(", ", classes.Take(2))}, …";

    private static string CreatedCell(string created) =>
        DateTimeOffset.TryParse(created, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : created;

    /// <summary>Prints the datasets under <paramref name="root"/> as a table.</summary>
    public static void PrintList(string root)
    {
        var datasets = DatasetCatalog.List(root);
        if (datasets.Count == 0)
        {
            Console.WriteLine($"No datasets under {Path.GetFullPath(root)}. Make one with 'vigil organize --source PATH --name NAME' or try 'vigil demo'.");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("name").AddColumn(new TableColumn("images").RightAligned())
            .AddColumn(new TableColumn("labeled").RightAligned()).AddColumn(new TableColumn("unlabeled").RightAligned())
            .AddColumn("classes").AddColumn("train/val/test").AddColumn("regions").AddColumn("strategy").AddColumn("created");
        foreach (var d in datasets)
        {
            if (d.Metadata is not { } m) { table.AddRow(Markup.Escape(d.Name), "", "", "", $"[red]{Markup.Escape(d.Error ?? "unreadable metadata.json")}[/]", "", "", "", ""); continue; }
            int SplitTotal(string s) => (m.ClassCounts.TryGetValue(s, out var c) ? c.Values.Sum() : 0) + (m.UnlabeledCounts.TryGetValue(s, out var u) ? u : 0);
            table.AddRow(Markup.Escape(d.Name), $"{m.NumImages:N0}", $"{m.NumLabeled:N0}", $"{m.NumUnlabeled:N0}",
                Markup.Escape(ClassesCell(m.Classes)), $"{SplitTotal("train"):N0}/{SplitTotal("val"):N0}/{SplitTotal("test"):N0}",
                Markup.Escape(string.Join(", ", m.Regions.Keys)), Markup.Escape(d.Strategy ?? ""), Markup.Escape(CreatedCell(m.Created)));
        }
        AnsiConsole.Console.Write(table);
    }
}
