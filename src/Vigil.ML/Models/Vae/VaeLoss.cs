using static TorchSharp.torch;

namespace Vigil.ML.Models.Vae;

/// <summary>The three scalar parts of a VAE's training loss (each averaged over the batch).</summary>
/// <param name="Total">Reconstruction + β·KL; what the optimiser minimises.</param>
/// <param name="Reconstruction">Sum of squared errors over an image's pixels and channels.</param>
/// <param name="Kl">KL divergence of the posterior N(μ, σ²) from the prior N(0, I), summed over latent dimensions.</param>
public readonly record struct VaeLoss(Tensor Total, Tensor Reconstruction, Tensor Kl);
