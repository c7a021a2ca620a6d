using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// The best sensitivity reachable while keeping the false-alarm rate at or under a target: the maximum TPR over
/// the ROC points (origin included) whose FPR ≤ <see cref="TargetFpr"/>. Only achievable operating points count;
/// nothing is interpolated between them, so <c>score &gt;= Threshold</c> really gives <see cref="Tpr"/> and
/// <see cref="Fpr"/> on the evaluated set. scikit-learn equivalent: <c>tpr[fpr &lt;= target].max()</c> with
/// <c>fpr, tpr, _ = roc_curve(y, s)</c>.
/// </summary>
/// <param name="TargetFpr">The false-alarm budget, in [0, 1].</param>
/// <param name="Tpr">Best TPR within the budget; NaN (JSON null) when the set has no anomaly or no normal sample.</param>
/// <param name="Fpr">The FPR actually reached at that point (≤ target); NaN (JSON null) without normal samples.</param>
/// <param name="Threshold">The lowest threshold within the budget; NaN (JSON null) without normal samples.</param>
public sealed record TprAtFpr(
    double TargetFpr,
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double Tpr,
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double Fpr,
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double Threshold);
