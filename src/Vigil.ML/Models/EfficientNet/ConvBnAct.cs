using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// Convolution (no bias) → BatchNorm → optional SiLU, "same" padding for odd kernels. The children are named
/// <c>0</c>, <c>1</c>, <c>2</c> like torchvision's <c>Conv2dNormActivation</c>, so parameter names match its state dicts.
/// </summary>
internal sealed class ConvBnAct : nn.Module<Tensor, Tensor>
{
    /// <summary>torchvision's BatchNorm2d defaults, which its EfficientNet-B0…B7 use unchanged (V2 uses eps 1e-3).</summary>
    internal const double BatchNormEps = 1e-5, BatchNormMomentum = 0.1;

    private readonly Conv2d _conv;
    private readonly BatchNorm2d _norm;
    private readonly SiLU? _activation;

    public ConvBnAct(long inChannels, long outChannels, long kernel, long stride = 1, long groups = 1, bool activation = true)
        : base(nameof(ConvBnAct))
    {
        _conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false);
        _norm = nn.BatchNorm2d(outChannels, eps: BatchNormEps, momentum: BatchNormMomentum);
        register_module("0", _conv);
        register_module("1", _norm);
        if (activation)
        {
            _activation = nn.SiLU();
            register_module("2", _activation);
        }
    }

    public override Tensor forward(Tensor input)
    {
        using Tensor convolved = _conv.forward(input);
        if (_activation is null) return _norm.forward(convolved);
        using Tensor normalised = _norm.forward(convolved);
        return _activation.forward(normalised);
    }
}
