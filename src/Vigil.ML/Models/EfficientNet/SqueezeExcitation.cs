using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// Squeeze-excitation: global average → 1×1 conv down (SiLU) → 1×1 conv up (sigmoid) → per-channel scale of the
/// input. Children <c>fc1</c>/<c>fc2</c> as in torchvision's <c>SqueezeExcitation</c>.
/// </summary>
internal sealed class SqueezeExcitation : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _reduce;
    private readonly Conv2d _expand;

    public SqueezeExcitation(long channels, long squeezeChannels) : base(nameof(SqueezeExcitation))
    {
        _reduce = nn.Conv2d(channels, squeezeChannels, 1);
        _expand = nn.Conv2d(squeezeChannels, channels, 1);
        register_module("fc1", _reduce);
        register_module("fc2", _expand);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor pooled = nn.functional.adaptive_avg_pool2d(input, [1, 1]);
        Tensor weights = nn.functional.sigmoid(_expand.forward(nn.functional.silu(_reduce.forward(pooled))));
        return (input * weights).MoveToOuterDisposeScope();
    }
}
