using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.ML.Training;

/// <summary>
/// The classifier's loss: cross-entropy with label smoothing and optional class weights, computed by libtorch's own
/// <c>cross_entropy(…, weight, label_smoothing)</c> (TorchSharp 0.107 exposes both), so it matches PyTorch exactly:
/// per example <c>(1 − ε)·w[y]·(−log p_y) + (ε / C)·Σ_c w[c]·(−log p_c)</c>, averaged by dividing by <c>Σ w[y]</c>.
/// </summary>
public sealed class LabelSmoothingCrossEntropy : IDisposable
{
    private readonly double[]? _weights;
    private Tensor? _weightTensor;

    /// <summary>Creates the loss.</summary>
    /// <param name="smoothing">ε in [0, 1): the probability mass spread evenly over all classes.</param>
    /// <param name="classWeights">One weight per class (e.g. from <see cref="ClassWeights.InverseFrequency"/>), or null.</param>
    public LabelSmoothingCrossEntropy(double smoothing = 0, IReadOnlyList<double>? classWeights = null)
    {
        if (!(smoothing >= 0 && smoothing < 1))
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "label smoothing must be in [0, 1)");
        if (classWeights is not null)
        {
            if (classWeights.Count == 0) throw new ArgumentException("class weights are empty", nameof(classWeights));
            if (classWeights.Any(w => !(w >= 0) || !double.IsFinite(w)))
                throw new ArgumentException("class weights must be finite and ≥ 0", nameof(classWeights));
            if (classWeights.All(w => w == 0)) throw new ArgumentException("class weights are all zero", nameof(classWeights));
            _weights = classWeights.ToArray();
        }
        Smoothing = smoothing;
    }

    /// <summary>ε.</summary>
    public double Smoothing { get; }

    /// <summary>The class weights, or null.</summary>
    public IReadOnlyList<double>? ClassWeights => _weights;

    /// <summary>The mean loss of a batch.</summary>
    /// <param name="logits">Raw scores, shape [batch, classes].</param>
    /// <param name="targets">Class indices, shape [batch], int64.</param>
    public Tensor Forward(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.dim() != 2) throw new ArgumentException($"logits must be [batch, classes], got [{string.Join(", ", logits.shape)}]", nameof(logits));
        if (targets.dtype != ScalarType.Int64) throw new ArgumentException($"targets must be int64 class indices, got {targets.dtype}", nameof(targets));
        if (_weights is not null && logits.shape[1] != _weights.Length)
            throw new ArgumentException($"the model gives {logits.shape[1]} classes but {_weights.Length} class weights were set", nameof(logits));
        return nn.functional.cross_entropy(logits, targets, WeightsFor(logits), label_smoothing: Smoothing);
    }

    /// <summary>Releases the weight tensor.</summary>
    public void Dispose()
    {
        _weightTensor?.Dispose();
        _weightTensor = null;
    }

    private Tensor? WeightsFor(Tensor logits)
    {
        if (_weights is null) return null;
        // Built once on the logits' device and type; rebuilt only if those change (e.g. a CPU evaluation after CUDA training).
        if (_weightTensor is null || _weightTensor.device_type != logits.device_type
            || _weightTensor.device_index != logits.device_index || _weightTensor.dtype != logits.dtype)
        {
            _weightTensor?.Dispose();
            using Tensor onCpu = torch.tensor(_weights, dtype: ScalarType.Float64);
            _weightTensor = onCpu.to(logits.dtype, logits.device).DetachFromDisposeScope();
        }
        return _weightTensor;
    }
}
