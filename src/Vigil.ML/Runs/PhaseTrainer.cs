using TorchSharp;
using TorchSharp.Modules;
using Vigil.Core.Runs;
using Vigil.ML.Data;

namespace Vigil.ML.Runs;

/// <summary>What one training step reports.</summary>
/// <param name="Loss">Total loss of the batch.</param>
/// <param name="Parts">Named loss parts (e.g. recon, kl).</param>
/// <param name="Correct">Correct top-1 predictions in the batch, when the phase classifies.</param>
/// <param name="GradientNorm">Gradient norm before clipping.</param>
public readonly record struct StepResult(double Loss, IReadOnlyDictionary<string, double> Parts, int? Correct, double? GradientNorm);

/// <summary>What validation at the end of an epoch reports.</summary>
/// <param name="Loss">Mean validation loss.</param>
/// <param name="Parts">Named loss parts.</param>
/// <param name="Monitor">Value early stopping and "best" follow (higher is better).</param>
/// <param name="Event">Metrics for the epoch event (accuracy, AUROC, per class, confusion matrix).</param>
/// <param name="MonitorTolerance">How far <paramref name="Monitor"/> may move by the luck of the validation sample
/// (an AUROC's standard error), or 0 (or NaN) when unknown: within it, the lower <paramref name="Loss"/> settles which epoch is best
/// (<see cref="Training.EarlyStopping"/>).</param>
public sealed record ValidationResult(double? Loss, IReadOnlyDictionary<string, double> Parts, double Monitor, EpochCompleted Event,
    double MonitorTolerance = 0);

/// <summary>
/// One trainable phase (classifier or VAE) as the shared epoch loop sees it: its modules and optimizer for
/// checkpoints, a training step, and a validation pass.
/// </summary>
internal interface IPhaseTrainer
{
    TrainingPhase Phase { get; }
    string ModelKind { get; }
    string MonitorName { get; }
    IReadOnlyDictionary<string, torch.nn.Module> Modules { get; }
    IReadOnlyDictionary<string, OptimizerHelper> Optimizers { get; }
    StepResult TrainStep(Batch batch, long globalStep);
    ValidationResult Validate(int epoch);
}
