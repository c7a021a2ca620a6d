using Microsoft.Data.Sqlite;

namespace Vigil.Monitoring.Storage;

/// <summary>
/// Server-side downsampling: at most n buckets per series, each with min, max and last (as W&amp;B draws them).
/// Short ranges are bucketed from the points themselves, one range aggregate per bucket on the covering index.
/// Long ranges (<see cref="TileBuckets"/>) are bucketed from the <c>tiles</c> summaries (whole tiles per bucket) plus
/// the raw points of the two partial tiles at the edges, so a million points cost a read of ~16,000 tiles, not a
/// million rows.
/// </summary>
internal static class SqliteHistory
{
    public static SeriesHistory Downsample(SqliteConnection connection, SqliteTransaction snapshot, string name, long id, long from, long to, int maxPoints)
    {
        // Two single-aggregate subqueries: SQLite answers each MIN/MAX from the index in O(log n).
        long lo, hi;
        using (SqliteCommand range = SqliteMetricStore.Command(connection, snapshot, """
            SELECT (SELECT MIN(step) FROM points WHERE series_id = $s AND step BETWEEN $f AND $t),
                   (SELECT MAX(step) FROM points WHERE series_id = $s AND step BETWEEN $f AND $t)
            """, ("$s", id), ("$f", from), ("$t", to)))
        using (SqliteDataReader reader = range.ExecuteReader())
        {
            reader.Read();
            if (reader.IsDBNull(0)) return new SeriesHistory(name, 0, []);
            lo = reader.GetInt64(0);
            hi = reader.GetInt64(1);
        }
        using var raw = new RawBuckets(connection, snapshot, id);
        List<HistoryBucket> buckets = TileBuckets.Applies(hi - lo + 1, maxPoints)
            ? FromTiles(connection, snapshot, id, lo, hi, maxPoints, raw)
            : FromPoints(lo, hi, maxPoints, raw);
        return new SeriesHistory(name, buckets.Sum(b => b.Count), buckets);
    }

    // Bucket b holds the steps k (counted from lo) with floor(k·n/span) = b: equal step widths, a linear x axis.
    private static List<HistoryBucket> FromPoints(long lo, long hi, int maxPoints, RawBuckets raw)
    {
        long span = hi - lo + 1;
        long n = Math.Min(maxPoints, span);
        var result = new List<HistoryBucket>((int)n);
        long start = lo;
        for (long b = 0; b < n; b++)
        {
            long end = b + 1 == n ? hi + 1 : lo + ((b + 1) * span + n - 1) / n;
            if (raw.Aggregate(start, end) is { } bucket) result.Add(bucket);
            start = end;
        }
        return result;
    }

    private static List<HistoryBucket> FromTiles(SqliteConnection connection, SqliteTransaction snapshot, long id, long lo, long hi, int maxPoints, RawBuckets raw)
    {
        // Whole tiles inside [lo, hi]; the partial tiles at either end come from the points and join the first/last bucket.
        long firstTile = TileAccumulator.TileOf(lo - 1) + 1;
        long lastTile = TileAccumulator.TileOf(hi + 1) - 1;
        long tiles = lastTile - firstTile + 1;
        HistoryBucket? head = raw.Aggregate(lo, firstTile * TileAccumulator.Width);
        HistoryBucket? tail = raw.Aggregate((lastTile + 1) * TileAccumulator.Width, hi + 1);

        var result = new List<HistoryBucket>(maxPoints);
        using SqliteCommand command = SqliteMetricStore.Command(connection, snapshot, """
            SELECT tile, min_value, max_value, count, first_step, last_step, last_value FROM tiles
            WHERE series_id = $s AND tile BETWEEN $a AND $b ORDER BY tile
            """, ("$s", id), ("$a", firstTile), ("$b", lastTile));
        using SqliteDataReader reader = command.ExecuteReader();
        HistoryBucket? current = null;
        long currentIndex = -1;
        while (reader.Read())
        {
            // Tiles spread evenly over the buckets (each gets ⌊tiles/n⌋ or ⌈tiles/n⌉, at least one), so all n buckets
            // are used, or one a tile when there are fewer tiles.
            long index = (reader.GetInt64(0) - firstTile) * maxPoints / tiles;
            var tile = new HistoryBucket(reader.GetInt64(4), reader.GetInt64(5), Nullable(reader, 1), Nullable(reader, 2), Nullable(reader, 6), reader.GetInt64(3));
            if (index != currentIndex && current is not null)
            {
                result.Add(current);
                current = null;
            }
            currentIndex = index;
            current = current is null ? tile : Merge(current, tile);
        }
        if (current is not null) result.Add(current);

        if (head is not null)
        {
            if (result.Count > 0) result[0] = Merge(head, result[0]);
            else result.Add(head);
        }
        if (tail is not null)
        {
            if (result.Count > 0) result[^1] = Merge(result[^1], tail);
            else result.Add(tail);
        }
        return result;
    }

    // Merges two summaries where every step of a comes before every step of b.
    private static HistoryBucket Merge(HistoryBucket a, HistoryBucket b) => new(
        a.FirstStep, b.LastStep,
        a.Min is null ? b.Min : b.Min is null ? a.Min : Math.Min(a.Min.Value, b.Min.Value),
        a.Max is null ? b.Max : b.Max is null ? a.Max : Math.Max(a.Max.Value, b.Max.Value),
        b.Last, a.Count + b.Count);

    private static double? Nullable(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    /// <summary>Range aggregates over raw points with two prepared statements, reused for every bucket.</summary>
    private sealed class RawBuckets(SqliteConnection connection, SqliteTransaction snapshot, long seriesId) : IDisposable
    {
        private SqliteCommand? _aggregate, _last;

        public void Dispose()
        {
            _aggregate?.Dispose();
            _last?.Dispose();
        }

        /// <summary>The bucket of the points with step in [start, end), or null when there are none.</summary>
        public HistoryBucket? Aggregate(long start, long end)
        {
            if (end <= start) return null;
            _aggregate ??= Prepare("""
                SELECT MIN(step), MAX(step), MIN(value), MAX(value), COUNT(*) FROM points
                WHERE series_id = $s AND step >= $a AND step < $b
                """, ("$s", seriesId), ("$a", 0L), ("$b", 0L));
            _last ??= Prepare("SELECT value FROM points WHERE series_id = $s AND step = $step ORDER BY rowid DESC LIMIT 1", ("$s", seriesId), ("$step", 0L));
            _aggregate.Parameters[1].Value = start;
            _aggregate.Parameters[2].Value = end;
            long firstStep, lastStep, count;
            double? min, max;
            using (SqliteDataReader row = _aggregate.ExecuteReader())
            {
                row.Read();
                count = row.GetInt64(4);
                if (count == 0) return null;
                firstStep = row.GetInt64(0);
                lastStep = row.GetInt64(1);
                min = Nullable(row, 2);
                max = Nullable(row, 3);
            }
            _last.Parameters[1].Value = lastStep;
            return new HistoryBucket(firstStep, lastStep, min, max, _last.ExecuteScalar() is double v ? v : null, count);
        }

        private SqliteCommand Prepare(string sql, params (string, object?)[] parameters)
        {
            SqliteCommand command = SqliteMetricStore.Command(connection, snapshot, sql, parameters);
            command.Prepare();
            return command;
        }
    }
}
