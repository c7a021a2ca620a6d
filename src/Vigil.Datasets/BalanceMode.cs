namespace Vigil.Datasets;

/// <summary>How the training split is balanced between classes. Only <c>splits/train.csv</c> changes.</summary>
public enum BalanceMode
{
    /// <summary>Keep every image once (the default).</summary>
    None,
    /// <summary>Drop images of larger classes at random (seeded) down to the smallest class's count.</summary>
    Undersample,
    /// <summary>Repeat rows of smaller classes (seeded) up to the largest class's count.</summary>
    Oversample,
}

/// <summary>Text forms of <see cref="BalanceMode"/> for the command line.</summary>
public static class BalanceModes
{
    /// <summary>Parses none, undersample or oversample (case-insensitive).</summary>
    /// <exception cref="DatasetInputException">Any other value.</exception>
    public static BalanceMode Parse(string? text) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "none" or "" => BalanceMode.None,
        "undersample" => BalanceMode.Undersample,
        "oversample" => BalanceMode.Oversample,
        _ => throw new DatasetInputException($"--balance '{text}' is not a balance mode; use none, undersample or oversample."),
    };

    /// <summary>The lower-case name written to metadata.json ("none", "undersample", "oversample").</summary>
    public static string Name(BalanceMode mode) => mode.ToString().ToLowerInvariant();
}
