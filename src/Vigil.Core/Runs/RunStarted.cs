using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Core.Runs;

/// <summary>
/// The first event of a run (and of each resumption): what is trained, on what, for how long. The dashboard draws
/// its axes (epochs × batches), class list and critical-class thresholds from it.
/// </summary>
public sealed record RunStarted : RunEvent
{
    /// <summary>The <c>type</c> discriminator.</summary>
    public const string TypeName = "run_started";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => TypeName;

    /// <summary>What is trained.</summary>
    public required TrainingPhase Phase { get; init; }

    /// <summary>The model, e.g. <c>efficientnet-b0</c> or <c>vae</c>.</summary>
    public required string ModelKind { get; init; }

    /// <summary>The dataset's name (its folder name).</summary>
    public required string Dataset { get; init; }

    /// <summary>The dataset folder, when trained from one.</summary>
    public string? DatasetPath { get; init; }

    /// <summary>Class names in model output order; per-class lists and the confusion matrix follow this order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The class that means "no anomaly", if the dataset has one.</summary>
    public string? NormalClass { get; init; }

    /// <summary>Total epochs planned (the last epoch's number, as epochs count from 1).</summary>
    public required int Epochs { get; init; }

    /// <summary>Training batches in one epoch.</summary>
    public required int BatchesPerEpoch { get; init; }

    /// <summary>Images per training batch (the last batch of an epoch may hold fewer).</summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// The first epoch this process trains: 1 for a fresh run, later when resumed; <see cref="Epochs"/> + 1 (or more)
    /// when the phase was already complete and is only reloaded.
    /// </summary>
    public int StartEpoch { get; init; } = 1;

    /// <summary>Optimizer steps the phase had already taken (the resumed checkpoint's); 0 for a fresh run.</summary>
    public long StepsDone { get; init; }

    /// <summary>The checkpoint this process resumed from, or null for a fresh run.</summary>
    public string? ResumedFrom { get; init; }

    /// <summary>Images in the training split.</summary>
    public int? TrainImages { get; init; }

    /// <summary>Images in the validation split.</summary>
    public int? ValImages { get; init; }

    /// <summary>Side of the square input images, in pixels.</summary>
    public int? ImageSize { get; init; }

    /// <summary>The compute device, as <c>vigil doctor</c> describes it (e.g. "cpu, 2 CPU threads").</summary>
    public string? Device { get; init; }

    /// <summary>The metric that picks the best epoch and drives early stopping, e.g. <c>val_auroc_macro</c>.</summary>
    public string? MonitorMetric { get; init; }

    /// <summary>
    /// Minimum sensitivity per critical class (class name → 0..1). The monitor raises an alert when an epoch's
    /// sensitivity for such a class is below its value. Empty when the run names no critical class.
    /// </summary>
    public IReadOnlyDictionary<string, double> SensitivityTargets { get; init; } = new Dictionary<string, double>();

    /// <summary>Everything else that shapes the run (learning rate, optimizer, weight decay, augmentation…); see <see cref="Hyperparameters"/>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Hyperparameters { get; init; } = new Dictionary<string, JsonElement>();
}
