namespace Vigil.Monitoring.Storage;

/// <summary>When a history answer is made of whole tiles (<see cref="TileAccumulator"/>) rather than of the raw points;
/// both stores follow it, so they answer alike.</summary>
internal static class TileBuckets
{
    /// <summary>
    /// Whether <paramref name="span"/> steps in at most <paramref name="maxPoints"/> buckets are bucketed from tiles:
    /// when there are at least half as many whole tiles as buckets. Tiles are spread evenly over the buckets
    /// (⌊tiles/n⌋ or ⌈tiles/n⌉ each), one each when there are fewer tiles than buckets: a 100,000-point series asked
    /// for 2,000 buckets reads ~1,560 tiles instead of 100,000 points (several times faster) and is answered in
    /// 1,562 buckets of 64 steps, more than half the resolution asked for, never more than asked.
    /// </summary>
    public static bool Applies(long span, long maxPoints) => span / maxPoints >= TileAccumulator.Width / 2;
}
