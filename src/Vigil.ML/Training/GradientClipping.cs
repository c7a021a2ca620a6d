using TorchSharp;
using TorchSharp.Modules;

namespace Vigil.ML.Training;

/// <summary>Scales gradients down so their global L2 norm is at most a limit, as PyTorch's <c>clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Clips in place (libtorch's <c>clip_grad_norm_</c>: every gradient is multiplied by
    /// <c>min(1, maxNorm / (norm + 1e-6))</c>). Parameters without a gradient are left alone.
    /// </summary>
    /// <returns>
    /// The total norm before clipping. When it is NaN or infinite the gradients are unusable (and scaled by NaN):
    /// the caller should skip the optimizer step, which is why the norm is returned rather than hidden.
    /// </returns>
    public static double ClipByNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0) || !double.IsFinite(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "the maximum norm must be a positive number");
        Parameter[] all = parameters.ToArray();
        // libtorch skips parameters whose gradient is undefined; with none at all there is nothing to measure.
        return all.Length == 0 ? 0 : torch.nn.utils.clip_grad_norm_(all, maxNorm);
    }

    /// <summary>
    /// The end of a training step: clips the gradients to <paramref name="maxNorm"/> (no clipping when it is 0 or less)
    /// and takes the optimizer step, unless the measured norm is NaN or infinite: such gradients would make every
    /// weight NaN for good, so that step is skipped (EpochLoop stops a run where it keeps happening).
    /// </summary>
    /// <returns>The norm before clipping, or null when clipping is off (the step is then always taken).</returns>
    public static double? ClipAndStep(IEnumerable<Parameter> parameters, double maxNorm, torch.optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double? norm = maxNorm > 0 ? ClipByNorm(parameters, maxNorm) : null;
        if (norm is not { } n || double.IsFinite(n)) optimizer.step();
        return norm;
    }
}
