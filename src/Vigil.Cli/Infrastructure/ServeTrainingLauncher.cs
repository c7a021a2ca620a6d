using System.Text.Json;
using Vigil.Cli.Commands;
using Vigil.Core;
using Vigil.ML.Runs;
using Vigil.Monitoring.Control;
using Vigil.Server;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// What <c>POST /api/training/start</c> does in <c>vigil serve</c>: the body (<see cref="TrainingStartRequest"/>'s
/// fields, e.g. <c>{"dataset": "retina", "lr": 0.001, "max_batches": 5}</c>) becomes <c>vigil train</c> arguments,
/// checked by the train verb's own parser, and the run trains in this process with the server recording it and its
/// control routes acting on it. Its paths stay inside <see cref="ServeFolders"/>: the dataset is one the server offers,
/// the run folder goes under the runs folder, initial weights come from the weights folder.
/// </summary>
public sealed class ServeTrainingLauncher
{
    private readonly Func<MonitoringServer> _server;
    private readonly ServeFolders _folders;
    private readonly object _gate = new();
    private (Task Task, Core.Runs.TrainingControl Control)? _current;

    /// <summary>Creates a launcher for the server <paramref name="server"/> returns (set once it is constructed).</summary>
    public ServeTrainingLauncher(Func<MonitoringServer> server, ServeFolders? folders = null)
    {
        _server = server;
        _folders = folders ?? new ServeFolders();
    }

    /// <summary>Validates the request, starts the run in the background, and returns its id (the run folder's name).</summary>
    /// <exception cref="InvalidTrainingRequestException">The request is not a valid <c>vigil train</c> invocation.</exception>
    public async Task<string> LaunchAsync(TrainingStartRequest body, CancellationToken cancellationToken)
    {
        // A run that has reported "stopped" or "completed" may still be writing its last files and holding its run
        // folder's lock; a resume of it started in that moment failed on the lock before it could report anything.
        Task? previous;
        lock (_gate) previous = _current?.Task;
        if (previous is not null) await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
        PreparedTraining prepared;
        IReadOnlyList<string> arguments = Arguments(body, _folders, OfferedDatasets(_folders.Datasets));
        try { prepared = TrainCommand.Prepare(arguments); }
        catch (UserInputException e) { throw new InvalidTrainingRequestException(e.Message); }
        var request = prepared.Request;
        if (!request.Resume && Directory.Exists(prepared.RunFolder) && Directory.EnumerateFileSystemEntries(prepared.RunFolder).Any())
            throw new InvalidTrainingRequestException($"run folder '{prepared.RunFolder}' already holds a run; set \"resume\": true to continue it or give another \"output\"");

        string runId = TrainCommand.RunId(prepared.RunFolder);
        MonitoringServer server = _server();
        var control = new Core.Runs.TrainingControl();
        server.AttachRun(runId, control);
        var recorder = server.CreateRecorder();
        var task = Task.Factory.StartNew(() =>
        {
            try { TrainingRun.Run(request, recorder, control, message => Console.Error.WriteLine($"[{runId}] {message}"), CancellationToken.None); }
            catch (Exception e) { Console.Error.WriteLine($"[{runId}] training failed: {DiskSpace.Describe(e)}"); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        lock (_gate) _current = (task, control);
        Console.Error.WriteLine($"[{runId}] started from the API: {string.Join(' ', arguments)}");
        return runId;
    }

    /// <summary>
    /// The datasets <c>vigil organize</c> wrote under <paramref name="root"/> (its default output folder, relative to
    /// where the server runs), offered by <c>GET /api/training</c>; unreadable ones are left out.
    /// </summary>
    public static IReadOnlyList<DatasetChoice> OfferedDatasets(string root = Datasets.OrganizeOptions.DefaultOutputRoot) =>
        Datasets.DatasetCatalog.List(root)
            .Where(d => d.Metadata is not null)
            .Select(d => new DatasetChoice(d.Name, d.Path, d.Metadata!.NumImages, d.Metadata.Classes))
            .ToList();

    /// <summary>Stops the run in progress, if any, and waits until it has saved its checkpoint and ended.</summary>
    public async Task StopAsync(string reason)
    {
        (Task Task, Core.Runs.TrainingControl Control)? current;
        lock (_gate) current = _current;
        if (current is not { } c) return;
        c.Control.Stop(reason);
        await c.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// The <c>vigil train</c> arguments a start request stands for, with its names resolved inside
    /// <paramref name="folders"/>: <c>dataset</c> must be one of <paramref name="offered"/> (by name or listed path).
    /// </summary>
    /// <exception cref="InvalidTrainingRequestException">A name leaves its folder, or the dataset is not offered.</exception>
    public static IReadOnlyList<string> Arguments(TrainingStartRequest body, ServeFolders folders, IReadOnlyList<DatasetChoice> offered)
    {
        ArgumentNullException.ThrowIfNull(body);
        DatasetChoice dataset = Offered(body.Dataset, offered, folders);
        string output = body.Output is { } o
            ? ServeFolders.Inside(folders.Runs, o, "output", "runs folder, vigil serve --runs")
            : Path.GetFullPath(TrainCommand.DefaultRunFolder(dataset.Name, body.Phase ?? "all", folders.Runs));
        var args = new List<string>();
        void Add(string name, object? value)
        {
            if (value is null) return;
            args.Add(name);
            args.Add(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
        }
        void Flag(string name, bool? on)
        {
            if (on == true) args.Add(name);
        }
        Add("--dataset", dataset.Path);
        Add("--output", output);
        Add("--phase", body.Phase);
        Add("--epochs", body.Epochs);
        Add("--batch-size", body.BatchSize);
        Add("--image-size", body.ImageSize);
        Add("--device", body.Device);
        Flag("--resume", body.Resume);
        Add("--model", body.Model);
        Add("--init-weights", body.InitWeights is { } w ? ServeFolders.Inside(folders.Weights, w, "init_weights", "weights folder, vigil serve --weights") : null);
        Add("--vae-data", body.VaeData);
        Flag("--fit-weights", body.FitWeights);
        Flag("--preset-weights", body.PresetWeights);
        Add("--vae-trim", body.VaeTrim);
        Add("--vae-score", body.VaeScore);
        Add("--head-epochs", body.HeadEpochs);
        Flag("--head-ignore-labels", body.HeadIgnoreLabels);
        Add("--threshold-method", body.ThresholdMethod);
        Add("--critical", body.Critical);
        Add("--lr", body.Lr);
        Add("--semi-supervised", body.SemiSupervised);
        Flag("--balanced-sampling", body.BalancedSampling);
        Add("--augment", body.Augment);
        Flag("--no-augment", body.NoAugment);
        Flag("--hflip", body.Hflip);
        Add("--erase", body.Erase);
        Add("--tta", body.Tta);
        Add("--patience", body.Patience);
        Add("--seed", body.Seed);
        Add("--max-batches", body.MaxBatches);
        Add("--threads", body.Threads);
        return args;
    }

    private static DatasetChoice Offered(string? requested, IReadOnlyList<DatasetChoice> offered, ServeFolders folders)
    {
        string choices = offered.Count == 0
            ? $"none is organized under {Path.GetFullPath(folders.Datasets)} yet (vigil organize --output {folders.Datasets})"
            : "choose one of: " + string.Join(", ", offered.Select(d => d.Name));
        if (string.IsNullOrWhiteSpace(requested)) throw new InvalidTrainingRequestException($"\"dataset\" is required; {choices}");
        static string Full(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        // A name, a path inside the datasets folder, or a path (as GET /api/training lists it): always one offered.
        string[] asked = [Full(Path.Combine(folders.Datasets, requested)), Full(requested)];
        DatasetChoice? match = offered.FirstOrDefault(d => d.Name == requested) ?? offered.FirstOrDefault(d => asked.Contains(Full(d.Path)));
        return match ?? throw new InvalidTrainingRequestException($"\"dataset\": \"{requested}\" is not a dataset this server offers; {choices}");
    }
}
