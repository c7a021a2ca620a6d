using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

/// <summary>Reaches the internal blur used by the smoothed-max score.</summary>
internal static class GaussianBlurProbe
{
    public static float MaxAfterBlur(Tensor map, double sigma)
    {
        using Tensor blurred = Vigil.ML.Models.Vae.GaussianBlur.Apply(map, sigma);
        return blurred.max().item<float>();
    }
}
