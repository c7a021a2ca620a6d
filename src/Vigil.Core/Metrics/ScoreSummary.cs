namespace Vigil.Core.Metrics;

/// <summary>
/// Distribution summary of a set of scores or errors (e.g. "reconstruction error of normal validation images").
/// Std is the population standard deviation (numpy's default, ddof = 0); percentiles use linear interpolation
/// between closest ranks (numpy's default method).
/// </summary>
/// <param name="Count">Number of values.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="Std">Population standard deviation.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="P01">1st percentile.</param>
/// <param name="P05">5th percentile.</param>
/// <param name="P25">25th percentile (first quartile).</param>
/// <param name="Median">50th percentile.</param>
/// <param name="P75">75th percentile (third quartile).</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Largest value.</param>
public sealed record ScoreSummary(
    int Count, double Mean, double Std, double Min,
    double P01, double P05, double P25, double Median, double P75, double P95, double P99,
    double Max);
