namespace Vigil.Datasets.Splitting;

/// <summary>The three split names, in the order used everywhere (arrays of per-split values are indexed this way).</summary>
internal static class SplitNames
{
    /// <summary>"train", "val", "test".</summary>
    public static readonly string[] All = ["train", "val", "test"];

    /// <summary>0 for train, 1 for val, 2 for test, -1 otherwise.</summary>
    public static int IndexOf(string? split) => split switch { "train" => 0, "val" => 1, "test" => 2, _ => -1 };
}
