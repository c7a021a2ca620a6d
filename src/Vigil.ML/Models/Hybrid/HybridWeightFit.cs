namespace Vigil.ML.Models.Hybrid;

/// <summary>The outcome of <see cref="HybridWeightFitter.Fit"/>.</summary>
/// <param name="SupervisedWeight">The chosen w_sup.</param>
/// <param name="ReconstructionWeight">1 − w_sup.</param>
/// <param name="Auroc">Validation AUROC at the chosen weights.</param>
/// <param name="Grid">Every (w_sup, AUROC) tried, in grid order.</param>
public sealed record HybridWeightFit(double SupervisedWeight, double ReconstructionWeight, double Auroc, IReadOnlyList<WeightTrial> Grid);

/// <summary>One grid point of a weight search.</summary>
/// <param name="SupervisedWeight">w_sup tried.</param>
/// <param name="Auroc">Validation AUROC of the combined score.</param>
public readonly record struct WeightTrial(double SupervisedWeight, double Auroc);
