using TorchSharp;
using static TorchSharp.torch;
using Vigil.ML.Native;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// Drop path in "row" mode (Huang et al. 2016; torchvision's <c>StochasticDepth</c>): in training, each sample's
/// residual branch is zeroed with probability <c>p</c> and the survivors scaled by 1/(1−p), so the expected output is
/// unchanged; in evaluation it is the identity.
/// </summary>
public sealed class StochasticDepth : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="probability">Probability of dropping a sample's branch, in [0, 1).</param>
    public StochasticDepth(double probability) : base(nameof(StochasticDepth))
    {
        if (probability < 0 || probability >= 1 || double.IsNaN(probability))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "drop-path probability must be in [0, 1)");
        Probability = probability;
    }

    /// <summary>Probability of dropping a sample's branch in training.</summary>
    public double Probability { get; }

    /// <summary>Applies drop path to a batch whose first dimension is the sample.</summary>
    public override Tensor forward(Tensor input)
    {
        // alias() rather than input itself: the caller may dispose what forward returns without losing its input.
        if (!training || Probability == 0) return input.alias();
        double survival = 1 - Probability;
        long[] shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[0] = input.shape[0];
        using Tensor keep = torch.empty(shape, dtype: input.dtype, device: input.device).bernoulli_(survival);
        using Scalar kept = survival.ToScalar(); // KeptScalars says why it is held in a variable
        keep.div_(kept);
        return input * keep;
    }
}
