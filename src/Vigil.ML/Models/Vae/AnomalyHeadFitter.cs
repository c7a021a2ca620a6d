using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vigil.ML.Models.Vae;

/// <summary>
/// Trains a VAE's <see cref="AnomalyHead"/> on normal images: each step pastes <see cref="SyntheticAnomalies"/> into
/// them, lets the (frozen) VAE reconstruct the result, and teaches the head to outline the pasted region. The loss is a
/// focal loss (cross-entropy down-weighted on pixels already right), because the anomalous pixels are few and an
/// unweighted loss is won by predicting "normal" everywhere. Call <see cref="VaeModel.MarkHeadFitted"/> when done
/// (<see cref="Complete"/> does).
/// </summary>
public sealed class AnomalyHeadFitter : IDisposable
{
    private readonly VaeModel _vae;
    private readonly AnomalyHead _head;
    private readonly AdamW _optimizer;
    private readonly Generator _generator;

    /// <summary>Prepares training of <paramref name="vae"/>'s head (the VAE's own weights are not changed).</summary>
    /// <exception cref="InvalidOperationException">The VAE has no head.</exception>
    public AnomalyHeadFitter(VaeModel vae, double learningRate = 1e-3, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(vae);
        _vae = vae;
        _head = vae.Head ?? throw new InvalidOperationException("this VAE was built without an anomaly head");
        _optimizer = optim.AdamW(_head.parameters(), learningRate, weight_decay: 1e-4);
        _generator = new Generator((ulong)seed);
    }

    /// <summary>One optimiser step on a batch of normal images [B, C, S, S] in [0, 1]; returns the loss.</summary>
    public double Step(Tensor normals)
    {
        using var scope = NewDisposeScope();
        var (images, masks) = SyntheticAnomalies.Apply(normals, _generator);
        _vae.eval();
        Tensor reconstruction = _vae.Reconstruct(images);
        _head.train();
        Tensor logits = _head.forward(images, reconstruction);
        Tensor loss = FocalLoss(logits, masks);
        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Marks the head trained and leaves it in evaluation mode.</summary>
    public void Complete()
    {
        _head.eval();
        _vae.MarkHeadFitted();
    }

    /// <summary>Focal loss (γ = 2), averaged over pixels.</summary>
    internal static Tensor FocalLoss(Tensor logits, Tensor targets)
    {
        Tensor ce = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        Tensor pt = torch.exp(-ce);
        return ((1 - pt).square() * ce).mean();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _optimizer.Dispose();
        _generator.Dispose();
    }
}
