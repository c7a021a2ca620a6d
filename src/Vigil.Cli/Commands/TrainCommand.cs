using System.CommandLine;
using Vigil.Cli.Infrastructure;
using Vigil.Core;
using Vigil.Core.Runs;
using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;
using Vigil.ML.Runs;
using Vigil.ML.Training;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil train</c>: the classifier, the VAE and the hybrid detector on an organized dataset.</summary>
public static class TrainCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create() => Create(out _);

    /// <summary>
    /// Turns <c>vigil train</c> arguments (without the verb) into the request the verb would run, with the verb's own
    /// parsing and checks (for <c>POST /api/training/start</c>).
    /// </summary>
    /// <exception cref="UserInputException">The arguments are invalid; the message says which and why.</exception>
    public static PreparedTraining Prepare(IReadOnlyList<string> arguments)
    {
        var command = Create(out var prepare);
        var parse = command.Parse(arguments.ToArray());
        if (parse.Errors.Count > 0) throw new UserInputException(string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.'))));
        return prepare(parse);
    }

    private static Command Create(out Func<ParseResult, PreparedTraining> prepare)
    {
        var dataset = new Option<string[]>("--dataset", "-d")
        {
            Description = "Organized dataset folder (from 'vigil organize'); repeat it to train on several datasets as one (their splits joined, " +
                          "classes unioned; the router learns the region/modality pairs of all of them)",
            HelpName = "DIR", AllowMultipleArgumentsPerToken = false,
        };
        var trainCsv = new Option<string?>("--train-csv") { Description = "Training CSV (path,label,… as in splits/train.csv), instead of --dataset", HelpName = "FILE" };
        var valCsv = new Option<string?>("--val-csv") { Description = "Validation CSV, with --train-csv", HelpName = "FILE" };
        var testCsv = new Option<string?>("--test-csv") { Description = "Test CSV, with --train-csv (optional)", HelpName = "FILE" };
        var phase = new Option<string>("--phase")
        {
            Description = "supervised (classifier), unsupervised (VAE), hybrid (assemble both trained models), all, or router (a region/modality " +
                          "classifier that sends each image to the right organ's model and refuses images unlike every route)",
            DefaultValueFactory = _ => "all", HelpName = "supervised|unsupervised|hybrid|all|router",
        };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs for every phase (default: training_config.json's per phase; the router's: 10)", HelpName = "N" };
        var imageSize = new Option<int?>("--image-size") { Description = "Square input size in pixels (default: training_config.json's; the router's: 64)", HelpName = "S" };
        var batch = new Option<int?>("--batch-size") { Description = "Batch size (default: training_config.json's)", HelpName = "B" };
        var output = new Option<string?>("--output", "-o") { Description = "Run folder (default: runs/<dataset>-<phase>)", HelpName = "DIR" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --output from its last checkpoint (model, optimizer, schedule, RNG, epoch)" };
        var model = new Option<string>("--model") { Description = "EfficientNet variant: b0, b1, b2, b3 or tiny (the router's default: tiny)", DefaultValueFactory = _ => "b0", HelpName = "b0|b1|b2|b3|tiny" };
        var init = new Option<string?>("--init-weights") { Description = "ImageNet EfficientNet weights (.safetensors from torchvision or timm) to start the classifier from", HelpName = "FILE" };
        var normalClass = new Option<string?>("--normal-class") { Description = "The class meaning \"no anomaly\" (default: the dataset's; with --train-csv there is none unless given, and anomaly metrics need one)", HelpName = "CLASS" };
        var vaeData = new Option<string>("--vae-data")
        {
            Description = "Images the VAE learns normality from: auto (the labeled normal images when the training split has at least " +
                          $"{VaeDataNames.MinLabeledNormals}, else normal and unlabeled: an unlabeled pool may be mostly anomalous), normal, unlabeled or both",
            DefaultValueFactory = _ => "auto", HelpName = "auto|normal|unlabeled|both",
        };
        var vaeTrim = new Option<double>("--vae-trim") { Description = "Share of each VAE batch, its worst-reconstructed images, left out of the loss so anomalies among the VAE's images are not learned as normal (0 = off, e.g. 0.3)", DefaultValueFactory = _ => 0, HelpName = "F" };
        var vaeScore = new Option<string?>("--vae-score")
        {
            Description = "How the VAE part scores an image, recorded in the model file (" + VaeScoreNames.All + "; default " +
                          VaeScoreKind.LearnedMapOrLatent.ToText() + " when the anomaly head is trained, else " + new VaeOptions().Score.ToText() +
                          "; without this option, a validation split with labeled normal and anomalous images picks the best of " +
                          string.Join(", ", VaeScoreChoice.Candidates.Select(k => k.ToText())) +
                          "); 'vigil evaluate --scorer' compares them on the same model",
            HelpName = "NAME",
        };
        var headEpochs = new Option<int?>("--head-epochs")
        {
            Description = "Epochs of the VAE's anomaly head, trained after the VAE on the same normal images with synthetic anomalies pasted in " +
                          $"(default: the VAE's epochs, at most {TrainRequest.DefaultMaxAnomalyHeadEpochs}, or more on small data so that it takes at least {TrainRequest.MinAnomalyHeadStepsPerVaeEpoch} steps per VAE epoch, up to {TrainRequest.MinAnomalyHeadSteps}; 0: no head, then the learned kinds are unavailable)",
            HelpName = "N",
        };
        var headIgnoreLabels = new Option<bool>("--head-ignore-labels")
        {
            Description = "Train the anomaly head on normal images only; by default the training split's labeled anomalies also teach it, pushed above the normals",
        };
        var fit = new Option<bool>("--fit-weights") { Description = "Fit the hybrid ensemble weights on validation (the default when validation has labeled normal and anomalous images; kept for scripts)" };
        var preset = new Option<bool>("--preset-weights") { Description = "Keep the strategy's preset ensemble weights instead of fitting them on validation (a part near chance on validation still gets weight 0)" };
        var threshold = new Option<string>("--threshold-method") { Description = "How the anomaly threshold is chosen on validation: f1, youden, or sensitivity:0.95", DefaultValueFactory = _ => "f1", HelpName = "f1|youden|sensitivity:S" };
        var critical = new Option<string?>("--critical") { Description = "Critical classes and the sensitivity each must reach on validation, e.g. Tumor=0.99,Hemorrhage=0.97: an image is also flagged when the classifier's probability of such a class passes a per-class threshold fitted for it", HelpName = "CLASS=S,..." };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate of the classifier (AdamW, cosine schedule with warm-up)", DefaultValueFactory = _ => 2e-3, HelpName = "LR" };
        var semi = new Option<string>("--semi-supervised")
        {
            Description = "Let the classifier learn from the unlabeled training images too: fixmatch (its confident predictions on an image become targets for harder views of it), off, " +
                          "or auto: fixmatch when at most 20% of the training images are labeled (strategy B), else off",
            DefaultValueFactory = _ => "auto", HelpName = "auto|off|fixmatch",
        };
        var balanced = new Option<bool>("--balanced-sampling") { Description = "Draw classes equally often instead of weighting the loss by inverse class frequency" };
        var noAugment = new Option<bool>("--no-augment") { Description = "Turn augmentation off (same as --augment none)" };
        var augment = new Option<string>("--augment") { Description = "Training augmentation: default (random resized crop 0.8-1, rotation ±10°, brightness/contrast ±10%), light (crop 0.9-1 only: centred, upright images) or none", DefaultValueFactory = _ => "default", HelpName = "default|light|none" };
        var hflip = new Option<bool>("--hflip") { Description = "Allow horizontal flips in augmentation (off: left/right matters in many modalities)" };
        var erase = new Option<double>("--erase") { Description = "Random erasing for the classifier: the probability that a training image gets a black box over 2-33% of it (0 = off; 0.25-0.5 is usual)", DefaultValueFactory = _ => 0, HelpName = "P" };
        var tta = new Option<string>("--tta") { Description = "Test-time augmentation of the classifier, kept in the model file: hflip averages each image's probabilities with its mirror's (needs --hflip; twice the inference cost) or none", DefaultValueFactory = _ => "none", HelpName = "none|hflip" };
        var patience = new Option<int>("--patience") { Description = "Early-stopping patience in epochs on the validation AUROC (0 = off)", DefaultValueFactory = _ => 8, HelpName = "N" };
        var seed = new Option<long>("--seed") { Description = "Seed of weights, data order and augmentation", DefaultValueFactory = _ => 42, HelpName = "N" };
        var monitor = new Option<string?>("--monitor")
        {
            Description = "Watch the run live: with no value, start a monitoring server here (MONITORING_* settings; its pause/resume/stop act on this run); " +
                          "with a URL, send the run's events to that server (its pause/resume/stop act on this run too)",
            HelpName = "URL", Arity = ArgumentArity.ZeroOrOne,
        };
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop each epoch after N batches (quick smoke runs)", HelpName = "N" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var format = CommonOptions.Format();
        var command = new Command("train",
            "Train the anomaly detector on an organized dataset: the EfficientNet classifier on labeled images (supervised), the VAE on normal and " +
            "unlabeled images (unsupervised), then the hybrid ensemble (calibration, weights, threshold). Or, with --phase router, the router over the " +
            "region/modality pairs of one or more datasets (calibrated confidence, out-of-distribution threshold). Writes model.vigil, metrics.json, " +
            "history.csv, plots/ and events.jsonl into the run folder, with a checkpoint every epoch. Ctrl-C saves and stops; --resume continues.")
        {
            dataset, trainCsv, valCsv, testCsv, normalClass, phase, epochs, imageSize, batch, output, resume, model, init, vaeData, vaeTrim, vaeScore, headEpochs, headIgnoreLabels, fit, preset, threshold, critical, lr,
            semi, balanced, noAugment, augment, hflip, erase, tta, patience, seed, monitor, maxBatches, device, threads, format,
        };
        PreparedTraining Prepare(ParseResult parse)
        {
            var spec = ResolveDataset(parse.GetValue(dataset) ?? [], parse.GetValue(trainCsv), parse.GetValue(valCsv), parse.GetValue(testCsv), parse.GetValue(normalClass));
            if (parse.GetValue(vaeTrim) is < 0 or > 0.9) throw new UserInputException($"--vae-trim {parse.GetValue(vaeTrim)} is out of range; use a share from 0 to 0.9, e.g. 0.3.");
            if (parse.GetValue(fit) && parse.GetValue(preset)) throw new UserInputException("--fit-weights and --preset-weights contradict each other; give one.");
            var selection = ParsePhase(parse.GetValue(phase)!);
            if (parse.GetValue(epochs) is < 1) throw new UserInputException("--epochs must be at least 1.");
            if (parse.GetValue(imageSize) is < 16 or > 1024) throw new UserInputException("--image-size must be between 16 and 1024.");
            if (parse.GetValue(batch) is < 1 or > 4096) throw new UserInputException("--batch-size must be between 1 and 4096.");
            if (parse.GetValue(init) is { } w && !File.Exists(w)) throw new UserInputException($"--init-weights '{w}' does not exist.");
            EfficientNetScaling variant;
            // The router is small and fast unless a variant is asked for.
            bool modelGiven = parse.GetResult(model) is { Implicit: false };
            try { variant = selection == PhaseSelection.Router && !modelGiven ? EfficientNetScaling.Tiny : EfficientNetScaling.FromName(parse.GetValue(model)!); }
            catch (ArgumentException) { throw new UserInputException($"--model '{parse.GetValue(model)}' is not a variant; use b0, b1, b2, b3 or tiny."); }
                        var runFolder = parse.GetValue(output) ?? DefaultRunFolder(spec.Name, selection.ToString());
            if (parse.GetValue(resume) && !Directory.Exists(runFolder)) throw new UserInputException($"--resume: no run folder '{runFolder}' to continue; pass the --output of the run.");
            IReadOnlyDictionary<string, double> criticalClasses = new Dictionary<string, double>();
            if (parse.GetValue(critical) is { } c)
            {
                try { criticalClasses = CriticalClassRule.ParseRequirements(c); }
                catch (FormatException ex) { throw new UserInputException($"--critical: {ex.Message}; write CLASS=SENSITIVITY items separated by commas, e.g. Tumor=0.99,Hemorrhage=0.97."); }
            }
            AugmentOptions? augmentation = null;
            if (parse.GetValue(augment)!.Trim().ToLowerInvariant() != "none")
            {
                try { augmentation = AugmentOptions.Named(parse.GetValue(augment)!); }
                catch (ArgumentException) { throw new UserInputException($"--augment '{parse.GetValue(augment)}' is not a preset; use default, light or none."); }
            }
            if (parse.GetValue(erase) is < 0 or > 1) throw new UserInputException($"--erase {parse.GetValue(erase)} is not a probability; use a value from 0 to 1, e.g. --erase 0.5.");
            if (parse.GetValue(erase) > 0 && (augmentation is null || parse.GetValue(noAugment)))
                throw new UserInputException($"--erase {parse.GetValue(erase)} is part of the training augmentation, which {(augmentation is null ? "--augment none" : "--no-augment")} turns off; drop --erase, or use --augment default or light.");
            if (augmentation is not null) augmentation = augmentation with { EraseProbability = parse.GetValue(erase) };
            bool testTimeFlip = parse.GetValue(tta)!.Trim().ToLowerInvariant() switch
            {
                "none" => false,
                "hflip" => true,
                var other => throw new UserInputException($"--tta '{other}' is not known; use none or hflip."),
            };
            int? e = parse.GetValue(epochs);
            var request = new TrainRequest
            {
                Dataset = spec, Phase = selection, Output = runFolder, EpochsSupervised = e, EpochsUnsupervised = e,
                ImageSize = parse.GetValue(imageSize), BatchSize = parse.GetValue(batch), Variant = variant, InitWeights = parse.GetValue(init),
                VaeData = VaeDataNames.Parse(parse.GetValue(vaeData)!), VaeTrim = parse.GetValue(vaeTrim), FitWeights = !parse.GetValue(preset), SemiSupervised = SemiSupervised(parse.GetValue(semi)!), SemiSupervisedAuto = IsAuto(parse.GetValue(semi)!),
                Threshold = ThresholdPolicy.Parse(parse.GetValue(threshold)!), CriticalSensitivity = criticalClasses, LearningRate = parse.GetValue(lr),
                BalancedSampling = parse.GetValue(balanced), Augment = !parse.GetValue(noAugment) && augmentation is not null,
                Augmentation = augmentation ?? AugmentOptions.Default, AllowHorizontalFlip = parse.GetValue(hflip), TestTimeFlip = testTimeFlip,
                Patience = parse.GetValue(patience), Seed = parse.GetValue(seed), Resume = parse.GetValue(resume),
                MaxBatchesPerEpoch = parse.GetValue(maxBatches),
                VaeScore = parse.GetValue(vaeScore) is { } score ? VaeScoreNames.Parse(score, "--vae-score") : null, AnomalyHeadEpochs = parse.GetValue(headEpochs),
                AnomalyHeadUsesLabels = !parse.GetValue(headIgnoreLabels),
                Compute = ComputeResolver.Resolve(parse.GetValue(device), parse.GetValue(threads)),
            };
            return new PreparedTraining(request, runFolder, criticalClasses);
        }
        prepare = Prepare;
        command.SetAction(VigilApp.Guarded("train", async (parse, token) =>
        {
            var (request, runFolder, criticalClasses) = Prepare(parse);
            var control = new TrainingControl();
            TrainingMonitor? live = null;
            if (parse.GetResult(monitor) is not null)
            {
                live = await TrainingMonitor.StartAsync(parse.GetValue(monitor) ?? "", RunId(runFolder), control, criticalClasses, token);
                Console.Error.WriteLine($"monitor: {live.Url} (REST /api/status, WebSocket /ws)");
            }
            TrainResult result;
            try { result = Run(request, token, control, live?.Observer); }
            finally { if (live is not null) await live.DisposeAsync(); }
            bool json = parse.GetValue(format) == OutputFormat.Json;
            if (json) JsonOutput.Write(result);
            else TrainSummary.Print(result);
            return result.Stopped ? ExitCodes.Interrupted : ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Runs training with terminal progress (and <paramref name="monitor"/>, if any); Ctrl-C stops at the next batch
    /// after saving a checkpoint, as does a stop through <paramref name="control"/>.
    /// </summary>
    public static TrainResult Run(TrainRequest request, CancellationToken token, TrainingControl? control = null, IRunObserver? monitor = null)
    {
        control ??= new TrainingControl();
        using var registration = token.Register(() => control.Stop("interrupted (Ctrl-C)"));
        IRunObserver observer = monitor is null ? new TrainingProgressObserver() : new CompositeObserver([new TrainingProgressObserver(), monitor]);
        return TrainingRun.Run(request, observer, control, message => Console.Error.WriteLine(message), CancellationToken.None);
    }

    /// <summary>The run id events carry: the run folder's name (as <see cref="TrainingRun"/> names it).</summary>
    public static string RunId(string runFolder) => FolderNames.Of(runFolder);

    /// <summary>The run folder when <c>--output</c> is not given: <c>&lt;root&gt;/&lt;dataset&gt;-&lt;phase&gt;</c>.</summary>
    public static string DefaultRunFolder(string datasetName, string phase, string root = "runs") =>
        Path.Combine(root, $"{datasetName}-{phase.Trim().ToLowerInvariant()}");

    private static ConsistencyOptions? SemiSupervised(string text) => text.Trim().ToLowerInvariant() switch
    {
        "off" or "none" or "auto" => null,
        "fixmatch" => new ConsistencyOptions(),
        _ => throw new UserInputException($"--semi-supervised '{text}' is not known; use auto, off or fixmatch."),
    };

    private static bool IsAuto(string text) => text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase);

    private static PhaseSelection ParsePhase(string text) => text.Trim().ToLowerInvariant() switch
    {
        "supervised" => PhaseSelection.Supervised,
        "unsupervised" => PhaseSelection.Unsupervised,
        "hybrid" => PhaseSelection.Hybrid,
        "all" => PhaseSelection.All,
        "router" => PhaseSelection.Router,
        _ => throw new UserInputException($"--phase '{text}' is not a phase; use supervised, unsupervised, hybrid, all or router."),
    };

    private static DatasetSpec ResolveDataset(IReadOnlyList<string> datasets, string? trainCsv, string? valCsv, string? testCsv, string? normalClass)
    {
        if (datasets.Count > 0 && trainCsv is not null) throw new UserInputException("give either --dataset or --train-csv/--val-csv, not both.");
        if (datasets.Count > 0)
        {
            foreach (var dataset in datasets)
                if (!Directory.Exists(dataset)) throw new UserInputException($"--dataset '{dataset}' is not a folder; organize images first with 'vigil organize' (see 'vigil datasets list').");
            return DatasetSpec.Union(datasets.Select(d => DatasetSpec.FromFolder(d, normalClass)).ToList());
        }
        if (trainCsv is null) throw new UserInputException("no data: pass --dataset DIR (an organized dataset) or --train-csv FILE --val-csv FILE.");
        foreach (var f in new[] { trainCsv, valCsv, testCsv }.OfType<string>())
            if (!File.Exists(f)) throw new UserInputException($"CSV '{f}' does not exist.");
        if (valCsv is null) throw new UserInputException("--train-csv needs --val-csv (validation drives early stopping, calibration and the threshold).");
        return DatasetSpec.FromCsvFiles(trainCsv, valCsv, testCsv, normalClass);
    }
}

/// <summary>A parsed <c>vigil train</c> invocation.</summary>
/// <param name="Request">What to train.</param>
/// <param name="RunFolder">The run folder (its name is the run id).</param>
/// <param name="CriticalClasses">Critical classes and their required sensitivity.</param>
public sealed record PreparedTraining(TrainRequest Request, string RunFolder, IReadOnlyDictionary<string, double> CriticalClasses);
