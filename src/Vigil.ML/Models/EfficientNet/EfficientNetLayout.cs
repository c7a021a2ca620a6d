namespace Vigil.ML.Models.EfficientNet;

/// <summary>A fully decoded EfficientNet: every channel count and block, before any tensor exists.</summary>
/// <param name="Scaling">The variant it was decoded for.</param>
/// <param name="StemChannels">Output channels of the 3×3 stride-2 stem convolution.</param>
/// <param name="Stages">The MBConv blocks, grouped by stage (one inner list per table row).</param>
/// <param name="HeadChannels">Output channels of the final 1×1 convolution, i.e. the feature size fed to the classifier.</param>
public sealed record EfficientNetLayout(
    EfficientNetScaling Scaling, int StemChannels, IReadOnlyList<IReadOnlyList<MBConvBlockSpec>> Stages, int HeadChannels)
{
    /// <summary>All blocks in order.</summary>
    public IEnumerable<MBConvBlockSpec> Blocks => Stages.SelectMany(s => s);
}
