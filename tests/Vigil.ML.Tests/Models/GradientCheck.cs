using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

/// <summary>Compares a float32 model's gradients with those of a float64 copy that saw the same input.</summary>
internal static class GradientCheck
{
    /// <summary>Every parameter's gradient is finite and within 1e-3 of the reference's largest value for it.</summary>
    public static void AssertMatches(nn.Module single, nn.Module reference)
    {
        var expected = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.to(ScalarType.Float32));
        foreach (var (name, parameter) in single.named_parameters())
        {
            var grad = parameter.grad!;
            Assert.True(torch.isfinite(grad).all().item<bool>(), $"{name}: gradient not finite");
            double scale = expected[name].abs().max().item<float>() + 1e-6;
            double error = (grad - expected[name]).abs().max().item<float>() / scale;
            Assert.True(error < 1e-3, $"{name}: gradient differs from float64 by {error:G3} of its largest value");
        }
    }
}
