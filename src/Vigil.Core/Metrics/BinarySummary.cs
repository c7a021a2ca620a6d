using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// Threshold-free quality of an anomaly score on a labelled set: what a trainer's eval event or
/// <c>vigil evaluate</c> reports. Undefined values (one class only) are NaN in memory and null in JSON.
/// </summary>
/// <param name="Auroc">Area under the ROC curve (see <see cref="BinaryMetrics.Auroc"/>).</param>
/// <param name="AveragePrecision">Average precision (see <see cref="BinaryMetrics.AveragePrecision"/>).</param>
/// <param name="Positives">Anomalous samples (label 1).</param>
/// <param name="Negatives">Normal samples (label 0).</param>
/// <param name="TprAtFpr">Best sensitivity at each false-alarm budget asked for.</param>
public sealed record BinarySummary(
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double Auroc,
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double AveragePrecision,
    int Positives,
    int Negatives,
    IReadOnlyList<TprAtFpr> TprAtFpr);
