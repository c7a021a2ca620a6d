using TorchSharp;
using TorchSharp.Modules;
using Vigil.ML.Training;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Training;

/// <summary>TorchSharp's clip_grad_norm_ really clips (checked on gradients whose norm is known by hand).</summary>
public sealed class GradientClippingTests
{
    public GradientClippingTests() => Vigil.ML.Native.TorchNative.EnsureLoaded();

    [Fact]
    public void LargeGradientsAreScaledToTheLimitAndTheOldNormIsReturned()
    {
        // Gradients (3, 0) and (0, 4): global norm 5.
        using var a = new Parameter(torch.zeros(2));
        using var b = new Parameter(torch.zeros(2));
        SetGrad(a, [3, 0]);
        SetGrad(b, [0, 4]);

        double norm = GradientClipping.ClipByNorm([a, b], maxNorm: 1.0);

        Assert.Equal(5.0, norm, 5);
        Assert.Equal([0.6f, 0f], Grad(a), new FloatTolerance(1e-5f));
        Assert.Equal([0f, 0.8f], Grad(b), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void SmallGradientsAreLeftAlone()
    {
        using var a = new Parameter(torch.zeros(2));
        SetGrad(a, [0.3f, 0.4f]);

        double norm = GradientClipping.ClipByNorm([a], maxNorm: 1.0);

        Assert.Equal(0.5, norm, 5);
        Assert.Equal([0.3f, 0.4f], Grad(a));
    }

    [Fact]
    public void ParametersWithoutGradientsAreSkipped()
    {
        using var a = new Parameter(torch.zeros(2));
        using var frozen = new Parameter(torch.ones(2));
        SetGrad(a, [6, 8]);

        double norm = GradientClipping.ClipByNorm([a, frozen], maxNorm: 5.0);

        Assert.Equal(10.0, norm, 5);
        Assert.Equal([3f, 4f], Grad(a), new FloatTolerance(1e-4f));
        Assert.Null(frozen.grad);
        Assert.Equal(0, GradientClipping.ClipByNorm([], 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm([a], 0));
    }

    [Fact]
    public void ANonFiniteNormIsReportedSoTheStepCanBeSkipped()
    {
        using var a = new Parameter(torch.zeros(2));
        SetGrad(a, [float.NaN, 1]);

        Assert.True(double.IsNaN(GradientClipping.ClipByNorm([a], 1.0)));
    }

    [Fact]
    public void ClipAndStep_steps_on_finite_gradients_and_skips_non_finite_ones()
    {
        using var a = new Parameter(torch.zeros(2));
        using var sgd = torch.optim.SGD([a], 1.0);

        SetGrad(a, [3, 4]);
        Assert.Equal(5.0, GradientClipping.ClipAndStep([a], 1.0, sgd)!.Value, 5);
        Assert.Equal([-0.6f, -0.8f], a.data<float>().ToArray(), new FloatTolerance(1e-5f)); // clipped to norm 1, then stepped

        sgd.zero_grad();
        SetGrad(a, [float.NaN, 1]);
        Assert.True(double.IsNaN(GradientClipping.ClipAndStep([a], 1.0, sgd)!.Value));
        Assert.Equal([-0.6f, -0.8f], a.data<float>().ToArray(), new FloatTolerance(1e-5f)); // skipped: weights untouched

        sgd.zero_grad();
        SetGrad(a, [1, 1]);
        Assert.Null(GradientClipping.ClipAndStep([a], 0, sgd)); // clipping off: no norm, the step is taken
        Assert.Equal([-1.6f, -1.8f], a.data<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    private static void SetGrad(Parameter p, float[] values)
    {
        // A real backward pass: d(sum(p * v))/dp = v.
        using Tensor v = torch.tensor(values);
        using Tensor product = (p * v).sum();
        product.backward();
    }

    private static float[] Grad(Parameter p)
    {
        using Tensor g = p.grad!;
        return g.data<float>().ToArray();
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
