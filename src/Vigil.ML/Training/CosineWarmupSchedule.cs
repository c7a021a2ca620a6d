using TorchSharp;

namespace Vigil.ML.Training;

/// <summary>
/// Learning rate per optimizer step: a linear warm-up to the base rate, then a half cosine down to a floor.
/// For the step with zero-based index <c>s</c>, warm-up <c>W</c> and total <c>T</c> steps:
/// <list type="bullet">
/// <item><c>s &lt; W</c>: <c>base · (s + 1) / W</c> (the first step already moves; it never trains at rate 0);</item>
/// <item>otherwise: <c>min + (base − min) · ½ · (1 + cos(π · p))</c> with <c>p = min(1, (s − W) / max(1, T − W))</c>.</item>
/// </list>
/// Its only state is the step counter, so a checkpoint stores <see cref="State"/> and a resumed run gets the same rates.
/// </summary>
public sealed class CosineWarmupSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">The peak rate, reached at the end of warm-up.</param>
    /// <param name="warmupSteps">Steps of linear warm-up (0 for none).</param>
    /// <param name="totalSteps">Steps in the whole run (epochs × batches per epoch); the cosine ends there.</param>
    /// <param name="minLearningRate">The floor the cosine decays to.</param>
    public CosineWarmupSchedule(double baseLearningRate, long warmupSteps, long totalSteps, double minLearningRate = 0)
    {
        if (!(baseLearningRate > 0) || !double.IsFinite(baseLearningRate))
            throw new ArgumentOutOfRangeException(nameof(baseLearningRate), baseLearningRate, "the learning rate must be a positive number");
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        if (!(minLearningRate >= 0) || minLearningRate > baseLearningRate)
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "the floor must be between 0 and the base learning rate");
        BaseLearningRate = baseLearningRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
    }

    /// <summary>The peak rate.</summary>
    public double BaseLearningRate { get; }

    /// <summary>Steps of warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>Steps in the run.</summary>
    public long TotalSteps { get; }

    /// <summary>The floor.</summary>
    public double MinLearningRate { get; }

    /// <summary>Optimizer steps taken so far (the zero-based index of the next step).</summary>
    public long Step { get; private set; }

    /// <summary>The rate for the next step.</summary>
    public double CurrentLearningRate => LearningRateAt(Step);

    /// <summary>What a checkpoint stores.</summary>
    public LrScheduleState State => new(Step);

    /// <summary>The rate for the step with zero-based index <paramref name="step"/>.</summary>
    public double LearningRateAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps) return BaseLearningRate * (step + 1) / WarmupSteps;
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        return MinLearningRate + (BaseLearningRate - MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Sets every parameter group of <paramref name="optimizer"/> to the next step's rate; call before <c>step()</c>.</summary>
    /// <returns>The rate set.</returns>
    public double Apply(torch.optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double rate = CurrentLearningRate;
        foreach (torch.optim.ILearningRateController group in optimizer.ParamGroups) group.LearningRate = rate;
        return rate;
    }

    /// <summary>Counts one optimizer step as done; call after <c>step()</c>.</summary>
    public void Advance() => Step++;

    /// <summary>Continues from a checkpoint's <see cref="State"/>.</summary>
    public void Restore(LrScheduleState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(state.Step);
        Step = state.Step;
    }
}

/// <summary>The state of a <see cref="CosineWarmupSchedule"/>: optimizer steps taken.</summary>
/// <param name="Step">Optimizer steps taken.</param>
public sealed record LrScheduleState(long Step);
