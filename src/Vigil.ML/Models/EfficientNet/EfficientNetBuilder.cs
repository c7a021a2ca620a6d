namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// Decodes a block table and a width/depth scaling into an <see cref="EfficientNetLayout"/>, with torchvision's
/// rounding rules, so that the same table yields B0–B3 with exactly torchvision's (and timm's) shapes.
/// </summary>
public static class EfficientNetBuilder
{
    /// <summary>Channels are kept multiples of this, as in the reference implementations (good for vectorised kernels).</summary>
    public const int ChannelDivisor = 8;

    /// <summary>Decodes <paramref name="table"/> (default <see cref="EfficientNetBlockTable.B0"/>) for <paramref name="scaling"/>.</summary>
    /// <param name="scaling">Width and depth multipliers and the final drop-path probability.</param>
    /// <param name="table">The stages at multiplier 1; the first stage's input is the stem's width.</param>
    /// <param name="stochasticDepth">Overrides <see cref="EfficientNetScaling.StochasticDepth"/> when given.</param>
    public static EfficientNetLayout Build(EfficientNetScaling scaling, IReadOnlyList<MBConvStage>? table = null, double? stochasticDepth = null)
    {
        ArgumentNullException.ThrowIfNull(scaling);
        table ??= EfficientNetBlockTable.B0;
        if (table.Count == 0) throw new ArgumentException("the block table has no stages", nameof(table));
        if (scaling.WidthMultiplier <= 0 || scaling.DepthMultiplier <= 0)
            throw new ArgumentException($"width and depth multipliers must be positive (got {scaling.WidthMultiplier}, {scaling.DepthMultiplier})", nameof(scaling));
        double finalDropPath = stochasticDepth ?? scaling.StochasticDepth;

        int[] repeats = table.Select(s => RoundRepeats(s.Repeats, scaling.DepthMultiplier)).ToArray();
        int totalBlocks = repeats.Sum();
        var stages = new List<IReadOnlyList<MBConvBlockSpec>>(table.Count);
        int blockId = 0;
        for (int s = 0; s < table.Count; s++)
        {
            MBConvStage row = table[s];
            int stageIn = ScaleChannels(row.InChannels, scaling.WidthMultiplier);
            int stageOut = ScaleChannels(row.OutChannels, scaling.WidthMultiplier);
            var blocks = new List<MBConvBlockSpec>(repeats[s]);
            for (int b = 0; b < repeats[s]; b++)
            {
                // Only the first block of a stage changes resolution and width; the rest keep OutChannels at stride 1.
                int inChannels = b == 0 ? stageIn : stageOut;
                int stride = b == 0 ? row.Stride : 1;
                int expanded = MakeDivisible(inChannels * (double)row.ExpandRatio);
                // torchvision squeezes to a quarter of the block's INPUT channels (not the expanded ones); timm agrees.
                int squeeze = Math.Max(1, inChannels / 4);
                // Linear in the block index, starting at 0: the last block gets finalDropPath·(N−1)/N, as torchvision does.
                double dropPath = finalDropPath * blockId / totalBlocks;
                blocks.Add(new MBConvBlockSpec(s, b, inChannels, expanded, squeeze, stageOut, row.Kernel, stride, dropPath));
                blockId++;
            }
            stages.Add(blocks);
        }
        int stem = ScaleChannels(table[0].InChannels, scaling.WidthMultiplier);
        // torchvision's head is 4× the last stage's width (1280 for B0); timm's round(1280·width) gives the same numbers.
        int head = 4 * stages[^1][^1].OutChannels;
        return new EfficientNetLayout(scaling, stem, stages, head);
    }

    /// <summary>A channel count at multiplier 1, scaled and rounded like torchvision's <c>adjust_channels</c>.</summary>
    public static int ScaleChannels(int channels, double widthMultiplier) => MakeDivisible(channels * widthMultiplier);

    /// <summary>A stage's block count scaled by the depth multiplier and rounded up (torchvision's <c>adjust_depth</c>).</summary>
    public static int RoundRepeats(int repeats, double depthMultiplier) => (int)Math.Ceiling(repeats * depthMultiplier);

    /// <summary>
    /// Rounds <paramref name="value"/> to the nearest multiple of <paramref name="divisor"/>, at least
    /// <paramref name="divisor"/>, and never more than 10% below <paramref name="value"/> (torchvision's
    /// <c>_make_divisible</c>, originally from the TensorFlow MobileNet code).
    /// </summary>
    public static int MakeDivisible(double value, int divisor = ChannelDivisor)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), value, "channel count must be positive");
        // int(v + d/2) // d * d: truncation, then floor division, both on non-negative values.
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        if (rounded < 0.9 * value) rounded += divisor;
        return rounded;
    }
}
