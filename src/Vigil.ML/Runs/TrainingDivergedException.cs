namespace Vigil.ML.Runs;

/// <summary>
/// Training stopped because its gradients kept coming out NaN or infinite (<see cref="EpochLoop.MaxNonFiniteSteps"/>
/// steps in a row, each skipped so the weights stay usable). The message says where and what to try.
/// </summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
