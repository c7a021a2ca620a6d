using System.CommandLine;
using Vigil.Cli.Infrastructure;
using Vigil.Cli.Interactive;
using Vigil.Core;
using Vigil.Datasets;
using Vigil.Imaging;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil organize</c>: turn raw image collections into a training-ready dataset folder.</summary>
public static class OrganizeCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var source = new Option<string[]>("--source", "-s")
        {
            Description = "Image source; repeat to combine several: a folder tree (class = sub-folder), a CSV manifest " +
                          "(path,label[,patient_id,region,modality]), a .npz (MedMNIST), an IDX file (*-idx3-ubyte[.gz]), " +
                          "a folder of DICOM files, or NIfTI volumes (.nii/.nii.gz)",
            HelpName = "PATH",
            AllowMultipleArgumentsPerToken = false,
        };
        var name = new Option<string?>("--name", "-n") { Description = "Dataset name (a folder name: letters, digits, - _ .)", HelpName = "NAME" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Folder that receives <NAME>/",
            DefaultValueFactory = _ => OrganizeOptions.DefaultOutputRoot,
            HelpName = "DIR",
        };
        var normal = new Option<string?>("--normal-class") { Description = "Label of healthy images (default: a class named normal/healthy/no_finding…, or the MedMNIST catalog's)", HelpName = "C" };
        var split = new Option<string>("--split") { Description = "Train/val/test percentages, summing to 100", DefaultValueFactory = _ => "70/15/15", HelpName = "70/15/15" };
        var seed = new Option<int>("--seed") { Description = "Seed for the split (same seed + same inputs = same dataset)", DefaultValueFactory = _ => 42, HelpName = "N" };
        var balance = new Option<string>("--balance")
        {
            Description = "Class balancing of the train split: none, undersample (drop majority rows) or oversample (repeat minority rows)",
            DefaultValueFactory = _ => "none",
            HelpName = "none|undersample|oversample",
        };
        var region = new Option<string?>("--region") { Description = "Anatomical region for every image (overrides DICOM tags and path keywords), e.g. brain, chest", HelpName = "R" };
        var modality = new Option<string?>("--modality") { Description = "Imaging modality for every image (overrides detection), e.g. MRI, CT, X-ray", HelpName = "M" };
        var axis = new Option<SliceAxis>("--slice-axis")
        {
            Description = "Axis used to cut NIfTI volumes into 2D slices (empty slices are skipped) [default: axial]",
            HelpName = "axial|coronal|sagittal",
            CustomParser = result => result.Tokens.Single().Value.ToLowerInvariant() switch
            {
                "axial" => SliceAxis.Axial,
                "coronal" => SliceAxis.Coronal,
                "sagittal" => SliceAxis.Sagittal,
                var other => CommonOptions.Fail<SliceAxis>(result, $"--slice-axis '{other}' is not an axis; use axial, coronal or sagittal."),
            },
        };
        var format = CommonOptions.Format();

        var command = new Command("organize",
            "Organize raw images into a training-ready dataset: labeled.csv, unlabeled.csv, metadata.json, training_config.json, " +
            "splits/{train,val,test}.csv and rejected.csv under <DIR>/<NAME>/. Plain image files are referenced in place; " +
            "images from containers (npz, IDX, DICOM, NIfTI, multi-page TIFF) are written as lossless PNG under images/. " +
            "Splits are stratified by label and grouped by patient; exact duplicates never cross splits. " +
            "Without arguments on a terminal, opens an interactive menu.")
        {
            source, name, output, normal, split, seed, balance, region, modality, axis, format,
        };
        command.SetAction(VigilApp.Guarded("organize", async (parse, token) =>
        {
            var sources = parse.GetValue(source) ?? [];
            var datasetName = parse.GetValue(name);
            bool json = parse.GetValue(format) == OutputFormat.Json;
            if (sources.Length == 0 && datasetName is null && Terminal.IsInteractive && !json)
                return await OrganizeMenu.RunAsync(token);
            if (sources.Length == 0) throw new UserInputException("no --source given; pass at least one folder, CSV, .npz, IDX or NIfTI path (see 'vigil organize --help').");
            if (string.IsNullOrWhiteSpace(datasetName)) throw new UserInputException("no --name given; name the dataset, e.g. --name brain_mri.");
            var options = new OrganizeOptions
            {
                Sources = sources,
                Name = datasetName,
                OutputRoot = parse.GetValue(output)!,
                NormalClass = parse.GetValue(normal),
                Split = SplitRatios.Parse(parse.GetValue(split)!),
                Seed = parse.GetValue(seed),
                Balance = BalanceModes.Parse(parse.GetValue(balance)!),
                Region = parse.GetValue(region),
                Modality = parse.GetValue(modality),
                ReadOptions = ImageReadOptions.Default with { SliceAxis = parse.GetValue(axis) },
            };
            var result = await OrganizeAsync(options, json, token);
            if (json) JsonOutput.Write(OrganizeSummary.ToJson(result));
            else OrganizeSummary.Print(result);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Runs the organizer with progress drawn on stderr.</summary>
    public static Task<OrganizeResult> OrganizeAsync(OrganizeOptions options, bool quiet, CancellationToken token) =>
        StageProgress.RunAsync("organize", progress =>
            new DatasetOrganizer(ImageReaderRegistry.CreateDefault()).OrganizeAsync(options, progress, token), quiet);
}
