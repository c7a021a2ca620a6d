using System.CommandLine;
using Vigil.Cli.Infrastructure;
using Vigil.Datasets;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil demo</c>: the main job end to end on built-in synthetic data — generate sample images, organize them,
/// print the dataset made. (Training and the live dashboard join it in later releases.)
/// </summary>
public static class DemoCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var workspace = new Option<string>("--workspace", "-w")
        {
            Description = "Folder for the demo's files: sample/ (generated images) and datasets/ (the organized dataset)",
            DefaultValueFactory = _ => "demo",
            HelpName = "DIR",
        };
        var perOrgan = SampleCommand.PerOrganOption();
        var seed = new Option<int>("--seed") { Description = "Seed for the images and the split", DefaultValueFactory = _ => 42, HelpName = "N" };
        var format = CommonOptions.Format();
        var command = new Command("demo",
            "Run Vigil end to end on built-in SYNTHETIC data: generate brain MRI-like and chest X-ray-like images " +
            "(vigil sample), organize them into a dataset (vigil organize) and print its summary.")
        {
            workspace, perOrgan, seed, format,
        };
        command.SetAction(VigilApp.Guarded("demo", async (parse, token) =>
        {
            var root = parse.GetValue(workspace)!;
            bool json = parse.GetValue(format) == OutputFormat.Json;
            var sampleFolder = Path.Combine(root, "sample");
            if (!json) Console.WriteLine("Step 1/2 — generating synthetic sample images");
            var sample = SampleCommand.Generate(sampleFolder, parse.GetValue(perOrgan), parse.GetValue(seed), 128, json: false, token);
            if (!json) Console.WriteLine("\nStep 2/2 — organizing them into a training-ready dataset");
            var result = await OrganizeCommand.OrganizeAsync(new OrganizeOptions
            {
                Sources = [sample.ManifestPath],
                Name = "synthetic_brain_chest",
                OutputRoot = Path.Combine(root, "datasets"),
                Seed = parse.GetValue(seed),
            }, quiet: false, token);
            if (json) { JsonOutput.Write(OrganizeSummary.ToJson(result)); return ExitCodes.Ok; }
            OrganizeSummary.Print(result);
            Console.WriteLine();
            Console.WriteLine($"Look inside: {result.DatasetPath}/labeled.csv, splits/, metadata.json, training_config.json");
            Console.WriteLine($"Organize your own images: ./vigil organize --source PATH --name NAME   (./vigil organize --help)");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
