namespace Vigil.ML.Models.Vae;

/// <summary>How <see cref="VaeModel.ReconstructionError(TorchSharp.torch.Tensor)"/> turns an image's reconstruction into one anomaly score.</summary>
public enum VaeScoreKind
{
    /// <summary>Mean per-pixel squared error: sensitive to anomalies that change much of the image.</summary>
    MeanSquaredError,

    /// <summary>
    /// The error map blurred by a Gaussian (<see cref="VaeOptions.SmoothingSigma"/>), then its maximum: responds to a
    /// small bright lesion that a mean over the whole image would dilute, while the blur ignores single noisy pixels.
    /// </summary>
    SmoothedMaxError,

    /// <summary>
    /// Per-pixel squared error plus the KL divergence of the image's posterior, per pixel (a negative ELBO at fixed
    /// variance): also flags images whose code lies far from the prior even when they are reconstructed well.
    /// </summary>
    ErrorPlusKl,

    /// <summary>
    /// Mahalanobis distance of the posterior mean μ to the distribution of the training normals' μ (shrunk
    /// covariance): how unlike the normals the image's code is, whatever the reconstruction. Needs
    /// <see cref="VaeModel.FitLatentStatistics"/>.
    /// </summary>
    LatentMahalanobis,

    /// <summary>
    /// log mean squared error and log <see cref="LatentMahalanobis"/>, each standardised on the training normals,
    /// summed: an image is anomalous when it is reconstructed badly, when its code is atypical, or both. Needs
    /// <see cref="VaeModel.FitLatentStatistics"/>; until then the model scores with <see cref="ErrorPlusKl"/>.
    /// </summary>
    ErrorPlusLatent,
}
