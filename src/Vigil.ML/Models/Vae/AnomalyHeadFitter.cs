using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Vigil.ML.Native;

namespace Vigil.ML.Models.Vae;

/// <summary>
/// Trains a VAE's <see cref="AnomalyHead"/> on normal images: each step pastes <see cref="SyntheticAnomalies"/> into
/// them, lets the (frozen) VAE reconstruct the result, and teaches the head to outline the pasted region. The loss is a
/// focal loss (cross-entropy down-weighted on pixels already right), because the anomalous pixels are few and an
/// unweighted loss is won by predicting "normal" everywhere. Real anomalies with an image label but no outline can
/// join each step (Deep SAD's idea, on the head's image score rather than a latent distance): the package's score,
/// the smoothed maximum of the map, is pushed up on them and down on the untouched normals, so that what a few labels
/// show is ranked above normal without being told where it lies. Call <see cref="VaeModel.MarkHeadFitted"/> when done
/// (<see cref="Complete"/> does).
/// </summary>
public sealed class AnomalyHeadFitter : IDisposable
{
    private readonly VaeModel _vae;
    private readonly AnomalyHead _head;
    private readonly Native.AdamW _optimizer;
    private readonly Generator _generator;

    /// <summary>Prepares training of <paramref name="vae"/>'s head (the VAE's own weights are not changed).</summary>
    /// <exception cref="InvalidOperationException">The VAE has no head.</exception>
    public AnomalyHeadFitter(VaeModel vae, double learningRate = 1e-3, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(vae);
        _vae = vae;
        _head = vae.Head ?? throw new InvalidOperationException("this VAE was built without an anomaly head");
        _optimizer = new Native.AdamW(_head.parameters(), learningRate, weightDecay: 1e-4);
        _generator = new Generator((ulong)seed);
    }

    /// <summary>
    /// One optimiser step on a batch of normal images [B, C, S, S] in [0, 1], and optionally real labeled anomalies
    /// [A, C, S, S] (image-level labels only); returns the loss.
    /// </summary>
    public double Step(Tensor normals, Tensor? labeledAnomalies = null)
    {
        using var scope = NewDisposeScope();
        var (images, masks) = SyntheticAnomalies.Apply(normals, _generator);
        long synthetic = images.shape[0];
        if (labeledAnomalies is not null) images = torch.cat([images, labeledAnomalies], 0);
        _vae.eval();
        Tensor reconstruction = _vae.Reconstruct(images);
        _head.train();
        Tensor logits = _head.forward(images, reconstruction);
        Tensor loss = FocalLoss(logits[..(int)synthetic], masks);
        if (labeledAnomalies is not null)
        {
            // Image-level terms: labeled anomalies above, untouched normals (empty mask) below, on the score itself.
            Tensor scores = _vae.SmoothedMax(torch.sigmoid(logits)).clamp(KeptScalars.Of(1e-6), KeptScalars.Of(1 - 1e-6));
            Tensor clean = masks.flatten(1).amax([1]).eq(KeptScalars.Of(0));
            Tensor anomalous = scores[(int)synthetic..];
            Tensor cleanScores = scores[..(int)synthetic].masked_select(clean);
            Tensor imageLoss = -anomalous.log().mean();
            if (cleanScores.numel() > 0) imageLoss = imageLoss - (1 - cleanScores).log().mean();
            loss = loss + imageLoss;
        }
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
