using System.CommandLine;
using Vigil.Cli.Infrastructure;
using Vigil.Core;
using Vigil.Datasets.Samples;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil sample</c>: the built-in synthetic images (brain MRI-like, chest X-ray-like, on request fundus-like) with a manifest.</summary>
public static class SampleCommand
{
    /// <summary>Images per organ unless told otherwise.</summary>
    public const int DefaultPerOrgan = SampleOptions.DefaultImagesPerOrgan;

    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder to write the sample images and manifest.csv into", Required = true, HelpName = "DIR" };
        var perOrgan = PerOrganOption();
        var seed = new Option<int>("--seed") { Description = "Seed (same seed = byte-identical images)", DefaultValueFactory = _ => 42, HelpName = "N" };
        var size = new Option<int>("--image-size") { Description = "Width and height of the images in pixels (32-1024)", DefaultValueFactory = _ => 128, HelpName = "S" };
        var organs = new Option<string>("--organs")
        {
            Description = "Comma-separated organs to draw: brain (MRI), chest (X-ray), fundus (colour retina photographs, region retina; " +
                          "a sample with it organizes into a 3-channel dataset)",
            DefaultValueFactory = _ => string.Join(",", SampleOptions.DefaultOrgans), HelpName = string.Join(",", SampleDataGenerator.OrganNames),
        };
        var format = CommonOptions.Format();
        var command = new Command("sample",
            "Generate SYNTHETIC sample images — by default brain MRI-like slices (normal, tumor, hemorrhage) and chest X-ray-like " +
            "images (normal, opacity); with --organs also colour fundus-like photographs (normal, hemorrhage, exudate, drusen) — " +
            "some unlabeled, several per patient, with a manifest.csv (path,label,patient_id,region,modality). " +
            "For demos and tests only: not medical data.")
        {
            output, perOrgan, seed, size, organs, format,
        };
        command.SetAction(VigilApp.Guarded("sample", (parse, token) =>
        {
            Generate(parse.GetValue(output)!, parse.GetValue(perOrgan), parse.GetValue(seed), parse.GetValue(size), parse.GetValue(format) == OutputFormat.Json, token,
                parse.GetValue(organs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>The --per-organ option (shared with <c>vigil demo</c>).</summary>
    public static Option<int> PerOrganOption() => new("--per-organ")
    {
        Description = "Number of images per organ (20-100000)",
        DefaultValueFactory = _ => DefaultPerOrgan,
        HelpName = "N",
    };

    /// <summary>Validates the inputs, generates the images and prints what was made.</summary>
    public static SampleResult Generate(string output, int perOrgan, int seed, int size, bool json, CancellationToken token = default,
        IReadOnlyList<string>? organs = null)
    {
        if (perOrgan is < 20 or > 100_000) throw new UserInputException($"--per-organ {perOrgan} is out of range; use 20 to 100000.");
        if (size is < 32 or > 1024) throw new UserInputException($"--image-size {size} is out of range; use 32 to 1024.");
        var result = SampleDataGenerator.Generate(new SampleOptions
        {
            OutputFolder = output, ImagesPerOrgan = perOrgan, Seed = seed, ImageSize = size, Organs = organs ?? SampleOptions.DefaultOrgans,
        }, token);
        if (json) JsonOutput.Write(result);
        else
        {
            Console.WriteLine($"Synthetic sample data: {result.Images:N0} images ({result.Labeled:N0} labeled, {result.Unlabeled:N0} unlabeled) " +
                              $"of {result.Patients:N0} synthetic patients in {result.Elapsed.TotalSeconds:N1} s → {result.OutputFolder}");
            foreach (var (cls, n) in result.ClassCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                Console.WriteLine($"  {cls,-28} {n,6:N0}");
            Console.WriteLine($"  manifest: {result.ManifestPath}");
        }
        return result;
    }
}
