namespace Vigil.ML.Runs;

/// <summary>What a finished (or stopped) <c>vigil train</c> run produced.</summary>
/// <param name="Output">Run folder.</param>
/// <param name="ModelPath">model.vigil, or null when the run was stopped before packaging.</param>
/// <param name="Stopped">True when stopped early (checkpoints saved; continue with --resume).</param>
/// <param name="Test">Evaluation on the test split (or validation when there is no test split).</param>
/// <param name="Validation">Evaluation on the validation split.</param>
/// <param name="History">Epoch rows of every phase trained in this process.</param>
/// <param name="Issues">Images skipped while caching, with reasons.</param>
public sealed record TrainResult(string Output, string? ModelPath, bool Stopped, EvaluationReport? Test, EvaluationReport? Validation,
    IReadOnlyList<HistoryRow> History, IReadOnlyList<string> Issues)
{
    /// <summary>A router run's evaluation on validation and, when there is one, test (empty for the detector's phases).</summary>
    public IReadOnlyList<RouterReport> Routing { get; init; } = [];
}
