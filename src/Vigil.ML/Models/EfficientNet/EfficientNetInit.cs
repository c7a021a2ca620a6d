using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// torchvision's EfficientNet initialisation, so training from scratch starts where the reference does — except the
/// classifier head, which starts at zero (see <see cref="InitLinear"/>).
/// </summary>
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

    /// <summary>
    /// Zero weights and bias, so a new classifier starts at uniform probabilities (loss ln K). torchvision draws the head
    /// uniformly in ±1/√(out features): right for 1,000 classes, but with the few classes of a medical task it gives
    /// logits of several units over 1,280 features (first loss ≈ 4.7 for 10 classes instead of 2.3) and the first
    /// hundreds of steps go into shrinking them. The body still learns from the first step after the head's.
    /// </summary>
    public static void InitLinear(Linear linear)
    {
        using var noGrad = torch.no_grad();
        nn.init.zeros_(linear.weight);
        if (linear.bias is not null) nn.init.zeros_(linear.bias);
    }
}
