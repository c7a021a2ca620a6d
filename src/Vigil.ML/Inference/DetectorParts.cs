using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;

namespace Vigil.ML.Inference;

/// <summary>
/// A trained detector as the evaluator and the packager see it: the available models, the class list, the
/// normal class, the hybrid scorer, the decision threshold, the critical-class rules and whether the classifier's
/// probabilities are averaged over the image and its mirror (<see cref="TestTimeFlip"/>).
/// </summary>
public sealed record DetectorParts(
    EfficientNetModel? Classifier, VaeModel? Vae, IReadOnlyList<string> Classes, string? NormalClass,
    HybridScorer Scorer, double Threshold, string ThresholdMethod, IReadOnlyList<CriticalClassRule>? CriticalRules = null,
    bool TestTimeFlip = false)
{
    /// <summary>Index of the normal class, or −1.</summary>
    public int NormalIndex => NormalClass is null ? -1 : Classes.ToList().IndexOf(NormalClass);

    /// <summary>The critical-class rules (empty when none).</summary>
    public IReadOnlyList<CriticalClassRule> Critical => CriticalRules ?? [];

    /// <summary>The detector API over a batch of images in [0,1].</summary>
    public HybridDetector Detector() => new(Classifier, Vae, Scorer, Classes, NormalIndex, Critical, TestTimeFlip);
}
