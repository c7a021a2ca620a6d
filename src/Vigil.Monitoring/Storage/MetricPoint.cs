namespace Vigil.Monitoring.Storage;

/// <summary>One value of one series at one step, e.g. <c>loss/train</c> = 0.41 at global step 1200.</summary>
/// <param name="RunId">The run it belongs to.</param>
/// <param name="Series">The series name, e.g. <c>loss/train</c> or <c>sensitivity/RAO</c>.</param>
/// <param name="Step">The x position: the global optimizer step for batch series, the epoch for per-epoch series
/// of external trainers that say so. Any integer; history queries bucket on it.</param>
/// <param name="Value">The value. NaN is stored as missing (SQLite has no NaN), ±Infinity as is.</param>
/// <param name="WallTime">When it was measured.</param>
public readonly record struct MetricPoint(string RunId, string Series, long Step, double Value, DateTimeOffset WallTime);
