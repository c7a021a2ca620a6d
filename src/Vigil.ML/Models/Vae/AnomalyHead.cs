using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vigil.ML.Models.Vae;

/// <summary>
/// A small encoder–decoder that looks at an image next to the VAE's reconstruction of it and says, per pixel, how
/// likely that pixel belongs to an anomaly (logits [B, 1, S, S]). It learns from normal images only, into which
/// <see cref="SyntheticAnomalies"/> pastes irregular patches: it is taught which differences between an image and its
/// reconstruction matter (a foreign patch) and which do not (the blur every reconstruction has at edges and on fine
/// texture), which a fixed error measure cannot tell apart. Two halvings, skip connections, GroupNorm as in the VAE.
/// </summary>
public sealed class AnomalyHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential _in, _down1, _down2, _up2, _merge2, _up1, _merge1;
    private readonly Conv2d _out;

    /// <summary>Builds the head for images of <paramref name="channels"/> channels, first stage <paramref name="width"/> wide.</summary>
    public AnomalyHead(int channels, int width = 16) : base(nameof(AnomalyHead))
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be at least 1");
        if (width < 8) throw new ArgumentOutOfRangeException(nameof(width), width, "must be at least 8");
        int w1 = width, w2 = 2 * width, w3 = 4 * width;
        // Input: image, reconstruction and their absolute difference; every 3×3 convolution has ≥ 16 output channels
        // (see VaeModel.OutputConvChannels on the libtorch gradient defect below that), the last layer is 1×1.
        _in = Block(nn.Conv2d(3 * channels, w1, 3, padding: 1, bias: false), w1, nn.Conv2d(w1, w1, 3, padding: 1, bias: false));
        _down1 = Block(nn.Conv2d(w1, w2, 4, stride: 2, padding: 1, bias: false), w2, nn.Conv2d(w2, w2, 3, padding: 1, bias: false));
        _down2 = Block(nn.Conv2d(w2, w3, 4, stride: 2, padding: 1, bias: false), w3, nn.Conv2d(w3, w3, 3, padding: 1, bias: false));
        _up2 = Block(nn.ConvTranspose2d(w3, w2, 4, stride: 2, padding: 1, bias: false), w2, null);
        _merge2 = Block(nn.Conv2d(2 * w2, w2, 3, padding: 1, bias: false), w2, null);
        _up1 = Block(nn.ConvTranspose2d(w2, w1, 4, stride: 2, padding: 1, bias: false), w1, null);
        _merge1 = Block(nn.Conv2d(2 * w1, w1, 3, padding: 1, bias: false), w1, null);
        _out = nn.Conv2d(w1, 1, 1);
        RegisterComponents();
    }

    /// <summary>Anomaly logits [B, 1, H, W] for images and reconstructions [B, C, H, W] (H, W divisible by 4).</summary>
    public override Tensor forward(Tensor images, Tensor reconstructions)
    {
        using var scope = NewDisposeScope();
        Tensor x = torch.cat([images, reconstructions, (images - reconstructions).abs()], 1);
        Tensor e1 = _in.forward(x);
        Tensor e2 = _down1.forward(e1);
        Tensor e3 = _down2.forward(e2);
        Tensor d2 = _merge2.forward(torch.cat([_up2.forward(e3), e2], 1));
        Tensor d1 = _merge1.forward(torch.cat([_up1.forward(d2), e1], 1));
        return _out.forward(d1).MoveToOuterDisposeScope();
    }

    private static Sequential Block(nn.Module<Tensor, Tensor> first, int channels, nn.Module<Tensor, Tensor>? second)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("0", first), ("1", Norm(channels)), ("2", nn.SiLU()) };
        if (second is not null) layers.AddRange([("3", second), ("4", Norm(channels)), ("5", nn.SiLU())]);
        return nn.Sequential(layers.ToArray());
    }

    private static GroupNorm Norm(int channels)
    {
        var norm = nn.GroupNorm(8, channels);
        // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised; set PyTorch's values.
        using (torch.no_grad())
        {
            nn.init.ones_(norm.weight);
            nn.init.zeros_(norm.bias);
        }
        return norm;
    }
}
