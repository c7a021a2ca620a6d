using System.Text.Json;
using Vigil.Cli.Commands;
using Vigil.Core;
using Vigil.ML.Runs;
using Vigil.Monitoring.Control;
using Vigil.Server;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// What <c>POST /api/training/start</c> does in <c>vigil serve</c>: the body becomes <c>vigil train</c> arguments
/// (dataset, phase, epochs, batch_size, image_size, device, output, resume, and any other train option by its name in
/// snake_case, e.g. <c>{"lr": 0.001, "max_batches": 5, "critical": "Tumor=0.99"}</c>), checked by the train verb's own
/// parser, and the run trains in this process with the server recording it and its control routes acting on it.
/// </summary>
public sealed class ServeTrainingLauncher
{
    private readonly Func<MonitoringServer> _server;
    private readonly object _gate = new();
    private (Task Task, Core.Runs.TrainingControl Control)? _current;

    /// <summary>Creates a launcher for the server <paramref name="server"/> returns (set once it is constructed).</summary>
    public ServeTrainingLauncher(Func<MonitoringServer> server) => _server = server;

    /// <summary>Validates the request, starts the run in the background, and returns its id (the run folder's name).</summary>
    /// <exception cref="InvalidTrainingRequestException">The request is not a valid <c>vigil train</c> invocation.</exception>
    public Task<string> LaunchAsync(TrainingStartRequest body, CancellationToken cancellationToken)
    {
        PreparedTraining prepared;
        try { prepared = TrainCommand.Prepare(Arguments(body)); }
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
        Console.Error.WriteLine($"[{runId}] started from the API: {string.Join(' ', Arguments(body))}");
        return Task.FromResult(runId);
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

    /// <summary>The <c>vigil train</c> arguments a start request stands for.</summary>
    /// <exception cref="InvalidTrainingRequestException">An extra field has a value that is not a string, number or boolean.</exception>
    public static IReadOnlyList<string> Arguments(TrainingStartRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var args = new List<string>();
        void Add(string name, object? value)
        {
            if (value is null) return;
            args.Add(name);
            args.Add(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
        }
        Add("--dataset", body.Dataset);
        Add("--phase", body.Phase);
        Add("--epochs", body.Epochs);
        Add("--batch-size", body.BatchSize);
        Add("--image-size", body.ImageSize);
        Add("--device", body.Device);
        Add("--output", body.Output);
        if (body.Resume) args.Add("--resume");
        foreach (var (key, value) in body.Extra ?? [])
        {
            string option = "--" + key.Replace('_', '-');
            if (option is "--monitor" or "--format")
                throw new InvalidTrainingRequestException($"\"{key}\" cannot be set from the API (the server monitors the run itself)");
            switch (value.ValueKind)
            {
                case JsonValueKind.True: args.Add(option); break;
                case JsonValueKind.False: break;
                case JsonValueKind.String: Add(option, value.GetString()); break;
                case JsonValueKind.Number: Add(option, value.GetRawText()); break;
                default: throw new InvalidTrainingRequestException($"\"{key}\" must be a string, number or boolean, not {value.ValueKind.ToString().ToLowerInvariant()}");
            }
        }
        return args;
    }
}
