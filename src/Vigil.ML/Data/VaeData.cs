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
    /// <summary>
    /// The default: the labeled normal images when the training split has at least
    /// <see cref="VaeDataNames.MinLabeledNormals"/> of them, else normal and unlabeled images. An unlabeled pool may be
    /// mostly anomalous (a screening set with few labels); a VAE that learns from it learns the disease as normal.
    /// </summary>
    Auto,
}

/// <summary>The command-line spelling of <see cref="VaeData"/>.</summary>
public static class VaeDataNames
{
    /// <summary>Labeled normal images <see cref="VaeData.Auto"/> needs before it leaves the unlabeled images out.</summary>
    public const int MinLabeledNormals = 16;

    /// <summary>Parses <c>auto</c>, <c>normal</c>, <c>unlabeled</c> or <c>both</c> (any case).</summary>
    /// <exception cref="DataPipelineException">The text is none of those.</exception>
    public static VaeData Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "normal" => VaeData.Normal,
        "unlabeled" or "unlabelled" => VaeData.Unlabeled,
        "both" => VaeData.Both,
        "auto" => VaeData.Auto,
        _ => throw new DataPipelineException($"--vae-data '{text}' is not valid; use auto, normal, unlabeled or both."),
    };

    /// <summary>
    /// What <paramref name="value"/> means for <paramref name="split"/>: <see cref="VaeData.Auto"/> becomes
    /// <see cref="VaeData.Normal"/> or <see cref="VaeData.Both"/>, with the reason in the user's words; others stay as they are.
    /// </summary>
    public static (VaeData Data, string? Reason) Resolve(this VaeData value, SplitSource split)
    {
        if (value != VaeData.Auto) return (value, null);
        int normals = split.NormalClass is null ? 0 : split.Rows.Count(r => r.Label == split.NormalClass);
        int unlabeled = split.Rows.Count(r => r.Label is null);
        if (normals >= MinLabeledNormals)
            return (VaeData.Normal, unlabeled == 0 ? null :
                $"the VAE learns from the {normals:N0} labeled normal images only, not from the {unlabeled:N0} unlabeled ones, which may hold " +
                "anomalies it would then learn as normal (--vae-data both includes them)");
        return (VaeData.Both, $"only {normals:N0} labeled normal images (fewer than {MinLabeledNormals}): the VAE also learns from the " +
                              $"{unlabeled:N0} unlabeled images, assumed mostly normal");
    }

    /// <summary>The command-line spelling (<c>auto</c>, <c>normal</c>, <c>unlabeled</c>, <c>both</c>).</summary>
    public static string ToText(this VaeData value) => value switch
    {
        VaeData.Normal => "normal",
        VaeData.Unlabeled => "unlabeled",
        VaeData.Both => "both",
        VaeData.Auto => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };
}
