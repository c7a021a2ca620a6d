using TorchSharp;
using static TorchSharp.torch;
using Vigil.ML.Native;

namespace Vigil.ML.Models.Routing;

/// <summary>
/// An out-of-distribution score on a classifier's features: the squared Mahalanobis distance to the nearest class,
/// each class with its own mean and (shrunk) covariance. An image like none the classifier was trained on lands far from
/// every class, however confident the softmax is. Own covariances rather than one shared (Lee et al. 2018): routes differ
/// in how much they vary (brain MRI slices far more than chest films), and a shared covariance, widened by the most
/// varied route, let noise pass as the tightest one (measured: 0 % of random noise flagged, against all of it per class).
/// The means and precisions (inverse covariances) are buffers, so a model package carries them like weights.
/// </summary>
public sealed class MahalanobisDistance : nn.Module<Tensor, Tensor>
{
    /// <summary>
    /// Share of the covariance replaced by its mean variance on the diagonal before inverting: a few hundred images
    /// do not pin down a covariance of a few hundred features, and the unshrunk inverse would amplify noise directions.
    /// </summary>
    public const double DefaultShrinkage = 0.1;

    /// <summary>An unfitted score for <paramref name="classes"/> classes of <paramref name="features"/> features (to load fitted buffers into).</summary>
    public MahalanobisDistance(int classes, int features) : base(nameof(MahalanobisDistance))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Classes = classes; Features = features;
        // Detached: a caller's dispose scope must not free the module's own state.
        register_buffer("means", zeros(classes, features, dtype: ScalarType.Float32).DetachFromDisposeScope());
        register_buffer("precision", eye(features, dtype: ScalarType.Float32).expand(classes, features, features).contiguous().DetachFromDisposeScope());
    }

    /// <summary>Classes (rows of the means).</summary>
    public int Classes { get; }

    /// <summary>Feature dimension.</summary>
    public int Features { get; }

    /// <summary>
    /// Fits each class's mean and shrunk covariance on <paramref name="features"/> [N, D] with class ids
    /// <paramref name="labels"/> [N] (every class must have at least two images).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, or a class has no image.</exception>
    public static MahalanobisDistance Fit(Tensor features, long[] labels, int classes, double shrinkage = DefaultShrinkage)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.dim() != 2 || features.shape[0] != labels.Length)
            throw new ArgumentException($"features must be [N, D] with N = {labels.Length}; got [{string.Join(", ", features.shape)}]", nameof(features));
        int d = (int)features.shape[1];
        var module = new MahalanobisDistance(classes, d);
        using var scope = NewDisposeScope();
        var x = features.to(CPU).to_type(ScalarType.Float64);
        var y = tensor(labels);
        var means = new Tensor[classes];
        var precisions = new Tensor[classes];
        for (int k = 0; k < classes; k++)
        {
            using Scalar route = k.ToScalar(); // KeptScalars says why it is held in a variable
            var of = y.eq(route).nonzero().squeeze(1);
            if (of.shape[0] < 2) throw new ArgumentException($"class {k} has {of.shape[0]} image(s); its spread needs at least two", nameof(labels));
            var own = x.index_select(0, of);
            means[k] = own.mean([0]);
            var centred = own - means[k];
            var covariance = centred.t().matmul(centred) / (own.shape[0] - 1);
            double meanVariance = covariance.diagonal().mean().item<double>();
            var shrunk = covariance * (1 - shrinkage) + eye(d, dtype: ScalarType.Float64) * (shrinkage * Math.Max(meanVariance, 1e-12));
            precisions[k] = linalg.inv(shrunk);
        }
        var meansTensor = stack(means);
        var precision = stack(precisions);
        using (no_grad())
        {
            module.get_buffer("means")!.copy_(meansTensor.to_type(ScalarType.Float32));
            module.get_buffer("precision")!.copy_(precision.to_type(ScalarType.Float32));
        }
        return module;
    }

    /// <summary>Squared distance [B] of each feature row [B, D] to its nearest class (under that class's covariance).</summary>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var means = get_buffer("means")!;
        var precision = get_buffer("precision")!;
        // (f − μ_k)ᵀ P_k (f − μ_k) for every class at once: [K, B, D] differences against [K, D, D] precisions.
        var diff = features.unsqueeze(0) - means.unsqueeze(1);
        var distance = (diff.matmul(precision) * diff).sum(2).t();
        return distance.min(1).values.MoveToOuterDisposeScope();
    }
}
