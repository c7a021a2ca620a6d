using Vigil.Core.Runs;

namespace Vigil.ML.Training.Checkpoints;

/// <summary>
/// What a checkpoint must agree on with the run that resumes from it. Weights of another class list or image size
/// would load into the wrong shapes or, worse, load fine and mean something else; so these are compared first and a
/// difference is refused with a message that names it.
/// </summary>
public sealed record CheckpointFingerprint
{
    /// <summary>What is trained.</summary>
    public required TrainingPhase Phase { get; init; }

    /// <summary>The model, e.g. <c>efficientnet-b0</c>.</summary>
    public required string ModelKind { get; init; }

    /// <summary>Class names in output order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Side of the square input, in pixels.</summary>
    public required int ImageSize { get; init; }

    /// <summary>Input channels (1 grey, 3 colour).</summary>
    public required int Channels { get; init; }

    /// <summary>How <paramref name="current"/> (this run) differs from this fingerprint (the checkpoint's), one phrase each; empty when they agree.</summary>
    public IReadOnlyList<string> DifferencesFrom(CheckpointFingerprint current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var differences = new List<string>();
        if (Phase != current.Phase) differences.Add($"phase {Describe(Phase)} vs {Describe(current.Phase)}");
        if (!string.Equals(ModelKind, current.ModelKind, StringComparison.Ordinal)) differences.Add($"model {ModelKind} vs {current.ModelKind}");
        if (Classes.Count != current.Classes.Count)
            differences.Add($"{Classes.Count} classes vs {current.Classes.Count}");
        else if (!Classes.SequenceEqual(current.Classes, StringComparer.Ordinal))
            differences.Add($"classes [{string.Join(", ", Classes)}] vs [{string.Join(", ", current.Classes)}]");
        if (ImageSize != current.ImageSize) differences.Add($"image size {ImageSize} vs {current.ImageSize}");
        if (Channels != current.Channels) differences.Add($"{Channels} channel(s) vs {current.Channels}");
        return differences;
    }

    private static string Describe(TrainingPhase phase) => phase.ToString().ToLowerInvariant();
}
