namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// Translates this model's (torchvision's) parameter names to timm's. timm numbers stages from 0 without the stem
/// (<c>blocks.s.b</c> is <c>features.(s+1).b</c>) and names layers by role; which role a torchvision index plays
/// depends on whether the block has an expand convolution, which only the layout knows.
/// </summary>
public static class TimmNames
{
    /// <summary>The timm name of <paramref name="name"/>, or null when timm has no such tensor.</summary>
    /// <param name="name">A name from <see cref="EfficientNetModel"/>'s state, e.g. <c>features.2.0.block.0.1.running_var</c>.</param>
    /// <param name="layout">The model's layout (which blocks expand; where the head is).</param>
    public static string? FromTorchvision(string name, EfficientNetLayout layout)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(layout);
        string[] parts = name.Split('.');
        if (parts is ["classifier", "1", var leaf]) return $"classifier.{leaf}";
        if (parts.Length < 4 || parts[0] != "features" || !int.TryParse(parts[1], out int feature)) return null;

        int headIndex = layout.Stages.Count + 1;
        if (feature == 0) return ConvOrNorm(parts[2], Tail(parts, 3), "conv_stem", "bn1");
        if (feature == headIndex) return ConvOrNorm(parts[2], Tail(parts, 3), "conv_head", "bn2");
        if (feature > layout.Stages.Count) return null;

        // features.S.B.block.I.rest
        if (parts.Length < 6 || parts[3] != "block" || !int.TryParse(parts[2], out int blockIndex) || !int.TryParse(parts[4], out int layer))
            return null;
        IReadOnlyList<MBConvBlockSpec> stage = layout.Stages[feature - 1];
        if (blockIndex >= stage.Count) return null;
        string prefix = $"blocks.{feature - 1}.{blockIndex}.";
        string rest = Tail(parts, 5);
        // Roles in torchvision's order; timm's DepthwiseSeparableConv (no expansion) names its BNs bn1/bn2,
        // its InvertedResidual bn1/bn2/bn3, and the pointwise convs conv_pw (first 1×1) and conv_pwl (projection).
        string? mapped = stage[blockIndex].HasExpansion
            ? layer switch
            {
                0 => ConvOrNorm(parts[5], Tail(parts, 6), "conv_pw", "bn1"),
                1 => ConvOrNorm(parts[5], Tail(parts, 6), "conv_dw", "bn2"),
                2 => SqueezeExcite(rest),
                3 => ConvOrNorm(parts[5], Tail(parts, 6), "conv_pwl", "bn3"),
                _ => null,
            }
            : layer switch
            {
                0 => ConvOrNorm(parts[5], Tail(parts, 6), "conv_dw", "bn1"),
                1 => SqueezeExcite(rest),
                2 => ConvOrNorm(parts[5], Tail(parts, 6), "conv_pw", "bn2"),
                _ => null,
            };
        return mapped is null ? null : prefix + mapped;
    }

    private static string? ConvOrNorm(string child, string leaf, string conv, string norm) => child switch
    {
        "0" when leaf == "weight" => $"{conv}.weight",
        "1" when leaf.Length > 0 => $"{norm}.{leaf}",
        _ => null,
    };

    private static string? SqueezeExcite(string rest) =>
        rest.StartsWith("fc1.", StringComparison.Ordinal) ? "se.conv_reduce." + rest[4..]
        : rest.StartsWith("fc2.", StringComparison.Ordinal) ? "se.conv_expand." + rest[4..]
        : null;

    private static string Tail(string[] parts, int from) => from < parts.Length ? string.Join('.', parts[from..]) : "";
}
