namespace Vigil.Core.Runs;

/// <summary>What a training run trains (the <c>--phase</c> of <c>vigil train</c>).</summary>
public enum TrainingPhase
{
    /// <summary>The classifier, on labelled images.</summary>
    Supervised,
    /// <summary>The VAE, on normal images only.</summary>
    Unsupervised,
    /// <summary>The combination of both scores (weights, calibration, threshold).</summary>
    Hybrid,
    /// <summary>The router that picks a model per region/modality.</summary>
    Router,
}
