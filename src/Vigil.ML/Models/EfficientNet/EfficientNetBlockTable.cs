namespace Vigil.ML.Models.EfficientNet;

/// <summary>The block tables that <see cref="EfficientNetBuilder"/> decodes: the architecture as data, as in timm.</summary>
public static class EfficientNetBlockTable
{
    /// <summary>
    /// EfficientNet-B0's seven stages (Tan &amp; Le 2019, table 1; torchvision's <c>_efficientnet_conf</c>). B1–B3 are
    /// this table scaled by width and depth multipliers, not separate tables.
    /// </summary>
    public static IReadOnlyList<MBConvStage> B0 { get; } =
    [
        new(ExpandRatio: 1, Kernel: 3, Stride: 1, InChannels: 32, OutChannels: 16, Repeats: 1),
        new(ExpandRatio: 6, Kernel: 3, Stride: 2, InChannels: 16, OutChannels: 24, Repeats: 2),
        new(ExpandRatio: 6, Kernel: 5, Stride: 2, InChannels: 24, OutChannels: 40, Repeats: 2),
        new(ExpandRatio: 6, Kernel: 3, Stride: 2, InChannels: 40, OutChannels: 80, Repeats: 3),
        new(ExpandRatio: 6, Kernel: 5, Stride: 1, InChannels: 80, OutChannels: 112, Repeats: 3),
        new(ExpandRatio: 6, Kernel: 5, Stride: 2, InChannels: 112, OutChannels: 192, Repeats: 4),
        new(ExpandRatio: 6, Kernel: 3, Stride: 1, InChannels: 192, OutChannels: 320, Repeats: 1),
    ];
}
