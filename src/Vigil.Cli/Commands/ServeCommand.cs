using System.CommandLine;
using Vigil.Cli.Infrastructure;
using Vigil.Monitoring.Configuration;
using Vigil.Server;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil serve</c>: the monitoring server (REST, WebSocket, SQLite store) until Ctrl-C.</summary>
public static class ServeCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var host = new Option<string?>("--host") { Description = "Address to bind (default: MONITORING_HOST, else localhost); off loopback, the API, /ws and the dashboard need MONITORING_TOKEN", HelpName = "H" };
        var port = new Option<int?>("--port") { Description = "Port (default: MONITORING_PORT, else 8000; 0 picks a free one)", HelpName = "P" };
        var db = new Option<string?>("--db") { Description = "The run store: a SQLite file, or a postgres://user:password@host:port/database URL (default: MONITORING_DB_PATH, else ./monitoring.db)", HelpName = "PATH" };
        var simulate = new Option<bool>("--simulate") { Description = "Play a simulated run of --profile at once (no training); POST /api/training/start then starts another simulated run" };
        var profile = new Option<string?>("--profile") { Description = "With --simulate: a profile JSON file instead of the built-in RETFound one", HelpName = "FILE" };
        var epochSeconds = new Option<double>("--epoch-seconds") { Description = "With --simulate: wall-clock seconds per simulated epoch", DefaultValueFactory = _ => 20, HelpName = "S" };
        var epochs = new Option<int?>("--epochs") { Description = "With --simulate: epochs of the simulated run (default: the profile's)", HelpName = "N" };
        var datasets = new Option<string>("--datasets") { Description = "Folder of organized datasets that POST /api/training/start may train on", DefaultValueFactory = _ => Datasets.OrganizeOptions.DefaultOutputRoot, HelpName = "DIR" };
        var runs = new Option<string>("--runs") { Description = "Folder that runs started from the API write into (their \"output\" is a name inside it)", DefaultValueFactory = _ => "runs", HelpName = "DIR" };
        var weights = new Option<string>("--weights") { Description = "Folder of .safetensors files that a start request's \"init_weights\" may name", DefaultValueFactory = _ => "weights", HelpName = "DIR" };
        var models = new Option<string?>("--models") { Description = "Serve the models of this folder (DIR/<name>/model.vigil or DIR/<name>/<version>/model.vigil) over the Open Inference Protocol: REST /v2 on --port, gRPC on --grpc-port (docs/inference-api.md)", HelpName = "DIR" };
        var grpcPort = new Option<int>("--grpc-port") { Description = "With --models: the gRPC port (HTTP/2 without TLS; 0 picks a free one)", DefaultValueFactory = _ => Serving.ServingOptions.DefaultGrpcPort, HelpName = "P" };
        var noMonitor = new Option<bool>("--no-monitor") { Description = "With --models: serve inference only (no run store, monitoring routes or dashboard), for stateless replicas" };
        var maxRequest = new Option<int>("--max-request-mb") { Description = "With --models: the largest inference request, in MiB (larger ones are answered 413)", DefaultValueFactory = _ => 64, HelpName = "MB" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("serve",
            "Run the training monitor: REST API, WebSocket /ws and the run store, until Ctrl-C; POST /api/training/start trains here (vigil train's options as JSON). Configuration comes from the MONITORING_* and WS_* " +
            "environment variables (docs/monitoring-api.md); the flags override them. Logs go to monitoring.log, websocket.log and metrics.log. " +
            "With --models it also serves inference (Open Inference Protocol, REST and gRPC; POST /api/detect for curl).")
        {
            host, port, db, datasets, runs, weights, simulate, profile, epochSeconds, epochs, models, grpcPort, noMonitor, maxRequest, device, threads,
        };
        command.SetAction(VigilApp.Guarded("serve", async (parse, token) =>
        {
            var options = MonitoringEnvironment.Read();
            if (parse.GetValue(host) is { } h) options = options with { Host = h };
            if (parse.GetValue(port) is { } p) options = options with { Port = p };
            if (parse.GetValue(db) is { } d) options = options with { DbPath = d };
            // StartAsync validates the options (a token off loopback among them) and reports every problem as bad input.
            bool simulated = parse.GetValue(simulate);
            if (!simulated && (parse.GetResult(profile) is { Implicit: false } || parse.GetResult(epochSeconds) is { Implicit: false } || parse.GetValue(epochs) is not null))
                throw new Core.UserInputException("--profile, --epoch-seconds and --epochs go with --simulate.");
            string? modelsFolder = parse.GetValue(models);
            bool monitor = !parse.GetValue(noMonitor);
            if (modelsFolder is null && (!monitor || parse.GetResult(grpcPort) is { Implicit: false } || parse.GetResult(maxRequest) is { Implicit: false }))
                throw new Core.UserInputException("--grpc-port, --no-monitor and --max-request-mb go with --models DIR.");
            if (!monitor && simulated) throw new Core.UserInputException("--simulate needs monitoring; leave out --no-monitor.");
            if (parse.GetValue(grpcPort) is < 0 or > 65535) throw new Core.UserInputException($"--grpc-port {parse.GetValue(grpcPort)} is not a port (0 to 65535).");
            if (parse.GetValue(maxRequest) < 1) throw new Core.UserInputException("--max-request-mb must be at least 1.");
            await using var inference = modelsFolder is null ? null : InferenceServing.Create(modelsFolder, parse.GetValue(grpcPort), parse.GetValue(maxRequest), parse.GetValue(device), parse.GetValue(threads));
            MonitoringServer? created = null;
            var folders = new ServeFolders(parse.GetValue(datasets)!, parse.GetValue(runs)!, parse.GetValue(weights)!);
            var training = new ServeTrainingLauncher(() => created!, folders);
            SimulationLauncher? simulation = null;
            if (simulated)
            {
                if (parse.GetValue(epochs) is < 1) throw new Core.UserInputException("--epochs must be at least 1.");
                simulation = new SimulationLauncher(() => created!, SimulationLauncher.LoadProfile(parse.GetValue(profile)),
                    new Monitoring.Simulation.SimulationOptions { Epochs = parse.GetValue(epochs), EpochSeconds = SimulationLauncher.CheckEpochSeconds(parse.GetValue(epochSeconds)) });
                options = options with { CriticalThresholds = simulation.Profile.CriticalThresholds.Concat(options.CriticalThresholds).DistinctBy(t => t.Key).ToDictionary() };
            }
            await using var server = created = new MonitoringServer(options, new MonitoringServerSetup
            {
                Launcher = simulation is null ? training.LaunchAsync : simulation.LaunchAsync,
                // A simulated run trains on nothing: no datasets to offer then.
                Datasets = simulation is null ? () => ServeTrainingLauncher.OfferedDatasets(folders.Datasets) : null,
                Monitoring = monitor,
                Features = inference is null ? [] : [inference],
            });
            var url = await server.StartAsync(token);
            // One line on stdout that scripts can read; the rest on stderr.
            Console.WriteLine(url);
            if (monitor) Console.Error.WriteLine($"vigil serve: listening on {url} (store {Monitoring.Storage.MetricStores.Describe(options.DbPath)}); API reference: {url}openapi/v1.json; Ctrl-C stops.");
            else Console.Error.WriteLine($"vigil serve: inference only, listening on {url}; Ctrl-C stops.");
            if (inference is not null) InferenceServing.Describe(inference, url);
            if (simulation is not null)
                Console.Error.WriteLine($"vigil serve: simulating {simulation.Profile.Name} ({simulation.Profile.Images:N0} images, {simulation.Profile.Classes.Count} classes); run {simulation.Launch(null, progress: false)}");
            try { await Task.Delay(Timeout.Infinite, token); }
            catch (OperationCanceledException) { }
            // A run started from the API saves a checkpoint and ends before the store closes (resume it with "resume": true).
            await training.StopAsync("the server is shutting down");
            if (simulation is not null) await simulation.StopAsync("the server is shutting down");
            await server.StopAsync(CancellationToken.None);
            Console.Error.WriteLine(monitor ? "vigil serve: stopped; every acknowledged point is in the store." : "vigil serve: stopped.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
