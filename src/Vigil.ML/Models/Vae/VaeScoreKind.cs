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
}
