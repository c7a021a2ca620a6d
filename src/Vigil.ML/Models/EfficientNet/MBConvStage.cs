namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// One row of an EfficientNet block table: a stage of <see cref="Repeats"/> MBConv blocks before width/depth scaling.
/// Only the first block of a stage changes stride and channel count; the others are stride 1, <c>OutChannels</c> in and out.
/// </summary>
/// <param name="ExpandRatio">Channel expansion of the 1×1 expand convolution; 1 means the block has no expand convolution.</param>
/// <param name="Kernel">Side of the depthwise convolution's kernel (3 or 5 in EfficientNet).</param>
/// <param name="Stride">Stride of the stage's first depthwise convolution.</param>
/// <param name="InChannels">Input channels of the stage at width multiplier 1.</param>
/// <param name="OutChannels">Output channels of the stage at width multiplier 1.</param>
/// <param name="Repeats">Number of blocks at depth multiplier 1.</param>
public sealed record MBConvStage(int ExpandRatio, int Kernel, int Stride, int InChannels, int OutChannels, int Repeats);
