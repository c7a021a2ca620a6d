namespace Vigil.ML.Models.EfficientNet;

/// <summary>One decoded MBConv block: the channel counts and options that <see cref="MBConvBlock"/> is built from.</summary>
/// <param name="Stage">Index of the stage (row of the block table), from 0.</param>
/// <param name="Index">Index of the block within its stage, from 0.</param>
/// <param name="InChannels">Channels entering the block.</param>
/// <param name="ExpandedChannels">Channels after the 1×1 expansion (equal to <paramref name="InChannels"/> when there is none).</param>
/// <param name="SqueezeChannels">Bottleneck of the squeeze-excitation: a quarter of the block's input channels, at least 1.</param>
/// <param name="OutChannels">Channels leaving the block.</param>
/// <param name="Kernel">Depthwise kernel side.</param>
/// <param name="Stride">Depthwise stride.</param>
/// <param name="DropPathProbability">Probability that training drops the residual branch of this block.</param>
public sealed record MBConvBlockSpec(
    int Stage, int Index, int InChannels, int ExpandedChannels, int SqueezeChannels, int OutChannels,
    int Kernel, int Stride, double DropPathProbability)
{
    /// <summary>Whether the block has a 1×1 expand convolution (its expand ratio is above 1).</summary>
    public bool HasExpansion => ExpandedChannels != InChannels;

    /// <summary>Whether the input is added back to the output: only when the shape does not change.</summary>
    public bool HasResidual => Stride == 1 && InChannels == OutChannels;
}
