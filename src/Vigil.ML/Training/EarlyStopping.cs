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
/// <see cref="MinDelta"/>; a NaN value never improves. The state is plain numbers (<see cref="State"/>).
/// <para>
/// A value measured on a small validation set carries its own noise, given to <see cref="Update"/> as a tolerance (for
/// an AUROC, its standard error). Then an improvement must beat the best by more than that tolerance, and an epoch
/// whose value is within the tolerance of the highest seen is a tie, settled by a second, smoother measure such as
/// the validation loss: the tie goes to the epoch with the lower one. Without this, a ranking that saturates on a few
/// dozen images (AUROC 0.99 at epoch 6 of 20, 0.991 at epoch 14) keeps whichever epoch the noise favoured, often an
/// early one taken at a high learning rate.
/// </para>
/// </summary>
public sealed class EarlyStopping
{
    private double? _best;
    private int _bestEpoch;
    private int _epochsWithoutImprovement;
    private double? _peak;
    private double? _bestTieBreak;

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

    /// <summary>The most favourable value seen so far (the best one, unless a tie moved the best epoch), or null.</summary>
    public double? Peak => _peak ?? _best;

    /// <summary>What a checkpoint stores.</summary>
    public EarlyStoppingState State => new(_best, _bestEpoch, _epochsWithoutImprovement, _peak, _bestTieBreak);

    /// <summary>Records an epoch's value.</summary>
    /// <param name="epoch">The epoch.</param>
    /// <param name="value">The monitored value.</param>
    /// <param name="tolerance">How far the value may move by chance alone (≥ 0; 0 when unknown): a smaller difference
    /// is not an improvement, and an epoch within it of <see cref="Peak"/> is a tie.</param>
    /// <param name="tieBreak">A second measure, lower is better (the validation loss), that settles ties; null
    /// when there is none, and then a tie never moves the best epoch.</param>
    /// <returns>Whether it is now the best epoch, why, and whether training should stop.</returns>
    public EarlyStoppingDecision Update(int epoch, double value, double tolerance = 0, double? tieBreak = null)
    {
        if (!(tolerance >= 0) || !double.IsFinite(tolerance)) tolerance = 0;
        if (tieBreak is { } t && !double.IsFinite(t)) tieBreak = null;
        double sign = Goal == MetricGoal.Maximize ? 1 : -1;
        bool finite = double.IsFinite(value);
        bool clear = finite && (_best is not { } best || sign * (value - best) > Math.Max(MinDelta, tolerance));
        bool tie = finite && !clear && tolerance > 0 && tieBreak is { } tb && Peak is { } peak
                   && sign * (peak - value) <= tolerance && (_bestTieBreak is not { } kept || tb < kept);
        if (finite && (Peak is not { } p || sign * (value - p) > 0)) _peak = value;
        if (clear || tie)
        {
            _best = value;
            _bestEpoch = epoch;
            _bestTieBreak = tieBreak;
            _epochsWithoutImprovement = 0;
        }
        else
        {
            _epochsWithoutImprovement++;
        }
        return new EarlyStoppingDecision(clear || tie, ShouldStop, tie);
    }

    /// <summary>Continues from a checkpoint's <see cref="State"/>.</summary>
    public void Restore(EarlyStoppingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(state.EpochsWithoutImprovement);
        _best = state.Best;
        _bestEpoch = state.BestEpoch;
        _epochsWithoutImprovement = state.EpochsWithoutImprovement;
        _peak = state.Peak;
        _bestTieBreak = state.BestTieBreak;
    }
}

/// <summary>The state of an <see cref="EarlyStopping"/>.</summary>
/// <param name="Best">The best value so far, or null before the first.</param>
/// <param name="BestEpoch">The epoch of the best value (0 before any).</param>
/// <param name="EpochsWithoutImprovement">Epochs in a row since the last improvement.</param>
/// <param name="Peak">The most favourable value seen, when a tie made another epoch the best (null in checkpoints
/// written before ties existed: then it is <paramref name="Best"/>).</param>
/// <param name="BestTieBreak">The tie-break measure of the best epoch, or null.</param>
public sealed record EarlyStoppingState(double? Best, int BestEpoch, int EpochsWithoutImprovement, double? Peak = null, double? BestTieBreak = null);

/// <summary>What <see cref="EarlyStopping.Update"/> decided.</summary>
/// <param name="Improved">This epoch is the new best.</param>
/// <param name="ShouldStop">The patience is used up.</param>
/// <param name="ByTieBreak">It became the best as a tie within the tolerance, by its lower tie-break measure.</param>
public sealed record EarlyStoppingDecision(bool Improved, bool ShouldStop, bool ByTieBreak = false);
