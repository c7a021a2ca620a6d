namespace Vigil.ML.Training;

/// <summary>Whether a larger or a smaller value of the monitored metric is better.</summary>
public enum MetricGoal
{
    /// <summary>Larger is better (AUROC, accuracy, F1).</summary>
    Maximize,
    /// <summary>Smaller is better (a loss).</summary>
    Minimize,
}

/// <summary>
/// Ends a run when the monitored metric has not improved for <see cref="Patience"/> epochs in a row, and says which
/// epoch was best (the trainer writes <c>best.ckpt</c> then). An improvement must beat the best value by more than
/// <see cref="MinDelta"/>; a NaN value never improves. The state is three plain numbers (<see cref="State"/>).
/// </summary>
public sealed class EarlyStopping
{
    private double? _best;
    private int _bestEpoch;
    private int _epochsWithoutImprovement;

    /// <summary>Creates the rule.</summary>
    /// <param name="patience">Epochs in a row without improvement after which training stops (at least 1).</param>
    /// <param name="minDelta">How much better than the best a value must be to count as an improvement (≥ 0).</param>
    /// <param name="goal">Whether larger or smaller is better.</param>
    public EarlyStopping(int patience, double minDelta = 0, MetricGoal goal = MetricGoal.Maximize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        if (!(minDelta >= 0) || !double.IsFinite(minDelta))
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "min delta must be a finite number ≥ 0");
        Patience = patience;
        MinDelta = minDelta;
        Goal = goal;
    }

    /// <summary>Epochs in a row without improvement that end the run.</summary>
    public int Patience { get; }

    /// <summary>The margin an improvement needs.</summary>
    public double MinDelta { get; }

    /// <summary>Larger or smaller is better.</summary>
    public MetricGoal Goal { get; }

    /// <summary>The best value so far, or null before the first finite one.</summary>
    public double? Best => _best;

    /// <summary>The epoch of <see cref="Best"/> (0 before any).</summary>
    public int BestEpoch => _bestEpoch;

    /// <summary>Epochs in a row since the last improvement.</summary>
    public int EpochsWithoutImprovement => _epochsWithoutImprovement;

    /// <summary>Whether the patience is used up.</summary>
    public bool ShouldStop => _epochsWithoutImprovement >= Patience;

    /// <summary>What a checkpoint stores.</summary>
    public EarlyStoppingState State => new(_best, _bestEpoch, _epochsWithoutImprovement);

    /// <summary>Records an epoch's value.</summary>
    /// <returns>Whether it improved on the best (and is now the best), and whether training should stop.</returns>
    public EarlyStoppingDecision Update(int epoch, double value)
    {
        bool improved = double.IsFinite(value) && (_best is not { } best || Goal switch
        {
            MetricGoal.Maximize => value > best + MinDelta,
            _ => value < best - MinDelta,
        });
        if (improved)
        {
            _best = value;
            _bestEpoch = epoch;
            _epochsWithoutImprovement = 0;
        }
        else
        {
            _epochsWithoutImprovement++;
        }
        return new EarlyStoppingDecision(improved, ShouldStop);
    }

    /// <summary>Continues from a checkpoint's <see cref="State"/>.</summary>
    public void Restore(EarlyStoppingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(state.EpochsWithoutImprovement);
        _best = state.Best;
        _bestEpoch = state.BestEpoch;
        _epochsWithoutImprovement = state.EpochsWithoutImprovement;
    }
}

/// <summary>The state of an <see cref="EarlyStopping"/>.</summary>
/// <param name="Best">The best value so far, or null before the first.</param>
/// <param name="BestEpoch">The epoch of the best value (0 before any).</param>
/// <param name="EpochsWithoutImprovement">Epochs in a row since the last improvement.</param>
public sealed record EarlyStoppingState(double? Best, int BestEpoch, int EpochsWithoutImprovement);

/// <summary>What <see cref="EarlyStopping.Update"/> decided.</summary>
/// <param name="Improved">This epoch is the new best.</param>
/// <param name="ShouldStop">The patience is used up.</param>
public sealed record EarlyStoppingDecision(bool Improved, bool ShouldStop);
