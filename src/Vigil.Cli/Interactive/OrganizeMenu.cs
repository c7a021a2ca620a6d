using Spectre.Console;
using Vigil.Cli.Commands;
using Vigil.Cli.Infrastructure;
using Vigil.Datasets;
using Vigil.Imaging;

namespace Vigil.Cli.Interactive;

/// <summary>
/// The menu behind a bare <c>vigil organize</c> on a terminal: walks the same steps as the options,
/// plus a full workflow (organize, review, next commands). Never used when stdin is not a terminal.
/// </summary>
public static class OrganizeMenu
{
    private const string Organize = "Organize a dataset";
    private const string FullWorkflow = "Full workflow (organize several sources into one dataset, review it, see next steps)";
    private const string ListDatasets = "List organized datasets";
    private const string MakeSample = "Generate the synthetic sample data";
    private const string Quit = "Quit";

    /// <summary>Runs the menu until the user quits.</summary>
    public static async Task<int> RunAsync(CancellationToken token)
    {
        AnsiConsole.MarkupLine("[bold]Vigil — organize images for anomaly detection[/]");
        while (!token.IsCancellationRequested)
        {
            var choice = AnsiConsole.Prompt(new SelectionPrompt<string>().Title("What do you want to do?")
                .AddChoices(Organize, FullWorkflow, ListDatasets, MakeSample, Quit));
            switch (choice)
            {
                case Organize: await OrganizeOnce(multipleSources: false, token); break;
                case FullWorkflow: await OrganizeOnce(multipleSources: true, token); break;
                case ListDatasets: DatasetsCommand.PrintList(OrganizeOptions.DefaultOutputRoot); break;
                case MakeSample:
                    var folder = AnsiConsole.Prompt(new TextPrompt<string>("Output folder:").DefaultValue("sample_data"));
                    SampleCommand.Generate(folder, SampleCommand.DefaultPerOrgan, 42, 128, json: false);
                    break;
                default: return ExitCodes.Ok;
            }
        }
        return ExitCodes.Interrupted;
    }

    private static async Task OrganizeOnce(bool multipleSources, CancellationToken token)
    {
        var sources = new List<string>();
        do
        {
            var path = AnsiConsole.Prompt(new TextPrompt<string>("Source (folder, CSV, .npz, IDX, NIfTI):")
                .Validate(p => File.Exists(p) || Directory.Exists(p) ? ValidationResult.Success() : ValidationResult.Error($"no such file or folder: {p}")));
            sources.Add(path);
        } while (multipleSources && AnsiConsole.Confirm("Add another source?", false));

        var name = AnsiConsole.Prompt(new TextPrompt<string>("Dataset name:").DefaultValue(DefaultName(sources[0])));
        var output = AnsiConsole.Prompt(new TextPrompt<string>("Output folder:").DefaultValue(OrganizeOptions.DefaultOutputRoot));
        var normal = AnsiConsole.Prompt(new TextPrompt<string>("Normal class (empty = detect):").AllowEmpty());
        var split = AnsiConsole.Prompt(new TextPrompt<string>("Split train/val/test:").DefaultValue("70/15/15")
            .Validate(s => { try { SplitRatios.Parse(s); return ValidationResult.Success(); } catch (DatasetInputException e) { return ValidationResult.Error(e.Message); } }));
        var balance = AnsiConsole.Prompt(new SelectionPrompt<string>().Title("Balance the train split?").AddChoices("none", "undersample", "oversample"));
        var region = AnsiConsole.Prompt(new TextPrompt<string>("Region (empty = detect from tags and paths):").AllowEmpty());
        var modality = AnsiConsole.Prompt(new TextPrompt<string>("Modality (empty = detect):").AllowEmpty());

        var options = new OrganizeOptions
        {
            Sources = sources, Name = name, OutputRoot = output,
            NormalClass = Empty(normal), Split = SplitRatios.Parse(split), Balance = BalanceModes.Parse(balance),
            Region = Empty(region), Modality = Empty(modality), ReadOptions = ImageReadOptions.Default,
        };
        try
        {
            var result = await OrganizeCommand.OrganizeAsync(options, quiet: false, token);
            OrganizeSummary.Print(result);
            if (multipleSources)
            {
                AnsiConsole.MarkupLine("[bold]Next steps[/]");
                AnsiConsole.WriteLine($"  review  {Path.Combine(result.DatasetPath, "metadata.json")} and rejected.csv");
                AnsiConsole.WriteLine($"  train   vigil train --dataset {result.DatasetPath} --phase all");
            }
        }
        catch (Core.UserInputException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
        }
    }

    private static string? Empty(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string DefaultName(string source)
    {
        var stem = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(source)));
        foreach (var ext in new[] { ".nii.gz", ".csv", ".npz", ".gz", ".nii" })
            if (stem.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) { stem = stem[..^ext.Length]; break; }
        var clean = new string(stem.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).Trim('.');
        return clean.Length == 0 ? "dataset" : clean;
    }
}
