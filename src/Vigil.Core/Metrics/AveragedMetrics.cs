namespace Vigil.Core.Metrics;

/// <summary>
/// Per-class metrics averaged over classes: the "macro avg" (plain mean, every class counts once) or
/// "weighted avg" (weighted by support) line of scikit-learn's <c>classification_report</c>.
/// </summary>
/// <param name="Precision">Averaged precision.</param>
/// <param name="Recall">Averaged recall (sensitivity); the weighted one equals accuracy.</param>
/// <param name="Specificity">Averaged specificity (not in scikit-learn's report; same averaging).</param>
/// <param name="F1">Average of the per-class F1 values (not the F1 of the averaged precision and recall).</param>
/// <param name="Support">Total samples.</param>
public sealed record AveragedMetrics(double Precision, double Recall, double Specificity, double F1, int Support);
