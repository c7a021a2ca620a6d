using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>torchvision's EfficientNet initialisation, so training from scratch starts where the reference does.</summary>
internal static class EfficientNetInit
{
    /// <summary>Initialises every convolution, batch norm and linear layer under <paramref name="root"/>.</summary>
    public static void Apply(nn.Module root)
    {
        using var noGrad = torch.no_grad();
        foreach (nn.Module module in root.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    // fan_out keeps the backward pass's variance stable; gain √2 (leaky_relu with a=0, i.e. ReLU).
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut);
                    if (conv.bias is not null) nn.init.zeros_(conv.bias);
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
                case Linear linear:
                    InitLinear(linear);
                    break;
            }
        }
    }

    /// <summary>Uniform in ±1/√(out features), zero bias (torchvision's classifier init).</summary>
    public static void InitLinear(Linear linear)
    {
        using var noGrad = torch.no_grad();
        double range = 1.0 / Math.Sqrt(linear.weight.shape[0]);
        nn.init.uniform_(linear.weight, -range, range);
        if (linear.bias is not null) nn.init.zeros_(linear.bias);
    }
}
