using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// Mobile inverted bottleneck (MBConv) with squeeze-excitation: [1×1 expand] → depthwise k×k → SE → 1×1 project,
/// plus the input (through drop path) when the shape is unchanged. Children: <c>block.0…</c> (a Sequential, as in
/// torchvision's <c>MBConv</c>) and <c>stochastic_depth</c>.
/// </summary>
internal sealed class MBConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _block;
    private readonly StochasticDepth _dropPath;
    private readonly bool _residual;

    public MBConvBlock(MBConvBlockSpec spec) : base(nameof(MBConvBlock))
    {
        Spec = spec;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>(4);
        if (spec.HasExpansion)
            layers.Add((layers.Count.ToString(), new ConvBnAct(spec.InChannels, spec.ExpandedChannels, 1)));
        layers.Add((layers.Count.ToString(), new ConvBnAct(spec.ExpandedChannels, spec.ExpandedChannels, spec.Kernel, spec.Stride, groups: spec.ExpandedChannels)));
        layers.Add((layers.Count.ToString(), new SqueezeExcitation(spec.ExpandedChannels, spec.SqueezeChannels)));
        // The projection is linear (no activation): a non-linearity in the narrow bottleneck loses information.
        layers.Add((layers.Count.ToString(), new ConvBnAct(spec.ExpandedChannels, spec.OutChannels, 1, activation: false)));
        _block = nn.Sequential(layers.ToArray());
        _dropPath = new StochasticDepth(spec.DropPathProbability);
        _residual = spec.HasResidual;
        register_module("block", _block);
        register_module("stochastic_depth", _dropPath);
    }

    public MBConvBlockSpec Spec { get; }

    public override Tensor forward(Tensor input)
    {
        if (!_residual) return _block.forward(input);
        using Tensor branch = _block.forward(input);
        using Tensor dropped = _dropPath.forward(branch);
        return dropped + input;
    }
}
