namespace Vigil.ML.Data;

/// <summary>Which images the VAE learns normality from (<c>--vae-data</c>).</summary>
public enum VaeData
{
    /// <summary>Labeled images of the normal class only.</summary>
    Normal,
    /// <summary>Unlabeled images only (assumed mostly normal).</summary>
    Unlabeled,
    /// <summary>Normal-class images and unlabeled images.</summary>
    Both,
}

/// <summary>The command-line spelling of <see cref="VaeData"/>.</summary>
public static class VaeDataNames
{
    /// <summary>Parses <c>normal</c>, <c>unlabeled</c> or <c>both</c> (any case).</summary>
    /// <exception cref="DataPipelineException">The text is none of those.</exception>
    public static VaeData Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "normal" => VaeData.Normal,
        "unlabeled" or "unlabelled" => VaeData.Unlabeled,
        "both" => VaeData.Both,
        _ => throw new DataPipelineException($"--vae-data '{text}' is not valid; use normal, unlabeled or both."),
    };

    /// <summary>The command-line spelling (<c>normal</c>, <c>unlabeled</c>, <c>both</c>).</summary>
    public static string ToText(this VaeData value) => value switch
    {
        VaeData.Normal => "normal",
        VaeData.Unlabeled => "unlabeled",
        VaeData.Both => "both",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };
}
