namespace Vigil.Monitoring.Storage;

/// <summary>A history request: some series of one run, over a step range, at most <see cref="MaxPoints"/> buckets per series.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Series">The series to return; empty means every series of the run.</param>
/// <param name="FromStep">The first step included, or null for the series' first.</param>
/// <param name="ToStep">The last step included, or null for the series' last.</param>
/// <param name="MaxPoints">The most buckets returned per series (1..100000).</param>
public sealed record HistoryQuery(string RunId, IReadOnlyList<string> Series, long? FromStep, long? ToStep, int MaxPoints);

/// <summary>
/// A span of consecutive steps summarised as W&amp;B does: min and max keep spikes visible after downsampling, last is
/// what a line through the bucket ends at. A bucket of one point has all three equal to it.
/// </summary>
/// <param name="FirstStep">The bucket's first stored step.</param>
/// <param name="LastStep">The bucket's last stored step (where <see cref="Last"/> was measured).</param>
/// <param name="Min">The smallest value (null when every value is NaN).</param>
/// <param name="Max">The largest value (null when every value is NaN).</param>
/// <param name="Last">The value at <see cref="LastStep"/> (null when it is NaN).</param>
/// <param name="Count">Points in the bucket.</param>
public sealed record HistoryBucket(long FirstStep, long LastStep, double? Min, double? Max, double? Last, long Count);

/// <summary>One series of a history answer.</summary>
/// <param name="Series">The series name.</param>
/// <param name="TotalPoints">Points stored in the requested range, before downsampling.</param>
/// <param name="Buckets">At most the requested number of buckets, in step order.</param>
public sealed record SeriesHistory(string Series, long TotalPoints, IReadOnlyList<HistoryBucket> Buckets);
