namespace Vigil.ML.Models.Vae;

/// <summary>
/// KL weight that rises linearly from 0 to <see cref="Beta"/> over <see cref="WarmupSteps"/> optimiser steps, then
/// stays there: early training learns to reconstruct before the KL term pulls codes to the prior (avoids posterior
/// collapse, Bowman et al. 2016).
/// </summary>
/// <param name="Beta">Final KL weight (1 is the plain ELBO).</param>
/// <param name="WarmupSteps">Steps to reach it; 0 means constant.</param>
public sealed record BetaWarmup(double Beta, long WarmupSteps)
{
    /// <summary>The weight at 0-based optimiser step <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (Beta < 0 || WarmupSteps < 0) throw new InvalidOperationException($"invalid warm-up: beta {Beta}, steps {WarmupSteps}");
        if (WarmupSteps == 0 || step >= WarmupSteps) return Beta;
        return Beta * Math.Max(0, step) / WarmupSteps;
    }
}
