using TorchSharp;
using Vigil.ML.Training;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Training;

/// <summary>The loss against a by-hand computation in doubles, so TorchSharp's label_smoothing and weight are both proven to work.</summary>
public sealed class LabelSmoothingCrossEntropyTests
{
    private static readonly double[,] Logits = { { 2.0, -1.0, 0.5 }, { 0.1, 0.2, 0.3 }, { -2.0, 3.0, 1.0 }, { 1.5, 1.5, -0.5 } };
    private static readonly long[] Targets = [0, 2, 1, 1];

    public LabelSmoothingCrossEntropyTests() => Vigil.ML.Native.TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.2, true)]
    [InlineData(0.0, true)]
    public void MatchesTheFormula(double smoothing, bool weighted)
    {
        double[]? weights = weighted ? [0.5, 2.0, 1.25] : null;
        using var loss = new LabelSmoothingCrossEntropy(smoothing, weights);
        using Tensor logits = Tensor2D();
        using Tensor targets = torch.tensor(Targets);

        using Tensor value = loss.Forward(logits, targets);

        Assert.Equal(Expected(smoothing, weights), value.item<double>(), 10);
    }

    [Fact]
    public void SmoothingChangesTheLossAndWeightsChangeItToo()
    {
        using Tensor logits = Tensor2D();
        using Tensor targets = torch.tensor(Targets);
        using var plain = new LabelSmoothingCrossEntropy();
        using var smooth = new LabelSmoothingCrossEntropy(0.1);
        using var weighted = new LabelSmoothingCrossEntropy(0.1, [0.5, 2.0, 1.25]);

        double a = plain.Forward(logits, targets).item<double>();
        double b = smooth.Forward(logits, targets).item<double>();
        double c = weighted.Forward(logits, targets).item<double>();

        Assert.NotEqual(a, b, 6);
        Assert.NotEqual(b, c, 6);
    }

    [Fact]
    public void GradientsFlowAndWeightsFollowTheLogitsType()
    {
        using var loss = new LabelSmoothingCrossEntropy(0.1, [1.0, 2.0, 3.0]);
        using Tensor logits = Tensor2D().to_type(ScalarType.Float32).requires_grad_();
        using Tensor targets = torch.tensor(Targets);

        using Tensor value = loss.Forward(logits, targets);
        value.backward();

        Assert.Equal(ScalarType.Float32, value.dtype);
        using Tensor grad = logits.grad!;
        Assert.Equal(new long[] { 4, 3 }, grad.shape);
        // Softmax gradients sum to zero across classes for every example.
        using Tensor sums = grad.sum(1).abs().max();
        Assert.True(sums.item<float>() < 1e-6);
    }

    [Fact]
    public void MisuseIsExplained()
    {
        using var loss = new LabelSmoothingCrossEntropy(0.1, [1.0, 2.0]);
        using Tensor logits = Tensor2D();
        using Tensor targets = torch.tensor(Targets);
        using Tensor intTargets = torch.tensor(new[] { 0, 2, 1, 1 });

        Assert.Contains("3 classes but 2 class weights", Assert.Throws<ArgumentException>(() => loss.Forward(logits, targets)).Message, StringComparison.Ordinal);
        using var unweighted = new LabelSmoothingCrossEntropy();
        Assert.Throws<ArgumentException>(() => unweighted.Forward(logits, intTargets));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LabelSmoothingCrossEntropy(1.0));
        Assert.Throws<ArgumentException>(() => new LabelSmoothingCrossEntropy(0, [0.0, 0.0]));
        Assert.Throws<ArgumentException>(() => new LabelSmoothingCrossEntropy(0, [1.0, double.NaN]));
    }

    private static Tensor Tensor2D()
    {
        var flat = new double[Logits.Length];
        Buffer.BlockCopy(Logits, 0, flat, 0, flat.Length * sizeof(double));
        return torch.tensor(flat, [Logits.GetLength(0), Logits.GetLength(1)], dtype: ScalarType.Float64);
    }

    /// <summary>PyTorch's definition: (1 − ε)·Σ w[y]·(−log p_y) / Σ w[y] + (ε / C)·Σ_i Σ_c w[c]·(−log p_c) / Σ w[y].</summary>
    private static double Expected(double smoothing, double[]? weights)
    {
        int n = Logits.GetLength(0), classes = Logits.GetLength(1);
        double nll = 0, smooth = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            double max = Enumerable.Range(0, classes).Max(c => Logits[i, c]);
            double logSum = max + Math.Log(Enumerable.Range(0, classes).Sum(c => Math.Exp(Logits[i, c] - max)));
            int y = (int)Targets[i];
            double wy = weights?[y] ?? 1;
            nll += wy * (logSum - Logits[i, y]);
            norm += wy;
            for (int c = 0; c < classes; c++) smooth += (weights?[c] ?? 1) * (logSum - Logits[i, c]);
        }
        return (1 - smoothing) * nll / norm + smoothing / classes * smooth / norm;
    }
}
