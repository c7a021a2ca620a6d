using Npgsql;

namespace Vigil.Monitoring.Storage.Postgres;

/// <summary>
/// Server-side downsampling with the SQLite store's buckets (min, max, last; bucket b holds the steps k counted from
/// the first with ⌊k·n/span⌋ = b), but grouped by PostgreSQL itself so a series costs two round trips whatever its
/// size. Long ranges are grouped from the <c>tiles</c> summaries, plus the raw points of the partial tiles at either
/// edge; short ranges from the points, on the (series, step) index.
/// </summary>
internal static class PostgresHistory
{
    // Bucket b is steps [lo + ⌈b·span/n⌉, lo + ⌈(b+1)·span/n⌉): one index range aggregate per bucket, as SQLite does,
    // in one statement. (GROUP BY on the bucket expression sorts every row instead: twice as slow.) "Last" is looked
    // up at the bucket's last step, the highest id winning, as the insertion order.
    // Parameters: series, lo, span, n.
    private const string PointBuckets = """
        SELECT a.first_step, a.last_step, a.min_value, a.max_value,
               (SELECT p.value FROM points p WHERE p.series_id = $1 AND p.step = a.last_step ORDER BY p.id DESC LIMIT 1), a.count
        FROM generate_series(0, $4 - 1) AS g(b)
        CROSS JOIN LATERAL (
            SELECT MIN(step) AS first_step, MAX(step) AS last_step, MIN(value) AS min_value, MAX(value) AS max_value, COUNT(*) AS count
            FROM points
            WHERE series_id = $1 AND step >= $2 + (g.b * $3 + $4 - 1) / $4 AND step < $2 + ((g.b + 1) * $3 + $4 - 1) / $4) a
        WHERE a.count > 0
        ORDER BY g.b
        """;

    // Tiles spread evenly over the buckets; numeric keeps (tile offset × n) from overflowing on huge step ranges.
    private const string TileGroups = """
        SELECT MIN(first_step), MAX(last_step), MIN(min_value), MAX(max_value),
               (array_agg(last_value ORDER BY tile DESC))[1], SUM(count)::bigint
        FROM tiles WHERE series_id = $1 AND tile BETWEEN $2 AND $3
        GROUP BY div((tile - $2)::numeric * $4, $5)
        ORDER BY 1
        """;

    /// <summary>At most <paramref name="maxPoints"/> buckets of series <paramref name="id"/> over steps [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public static async Task<SeriesHistory> DownsampleAsync(NpgsqlConnection connection, string name, long id, long from, long to, int maxPoints, CancellationToken cancellationToken)
    {
        long lo, hi;
        // PostgreSQL answers MIN/MAX on an index column with two index probes.
        await using (var range = new NpgsqlCommand("SELECT MIN(step), MAX(step) FROM points WHERE series_id = $1 AND step BETWEEN $2 AND $3", connection))
        {
            range.Parameters.Add(new NpgsqlParameter { Value = id });
            range.Parameters.Add(new NpgsqlParameter { Value = from });
            range.Parameters.Add(new NpgsqlParameter { Value = to });
            await using NpgsqlDataReader reader = await range.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.IsDBNull(0)) return new SeriesHistory(name, 0, []);
            lo = reader.GetInt64(0);
            hi = reader.GetInt64(1);
        }
        // Checked: a span over the whole long range overflows and then goes the tile way, which handles any span.
        bool huge = hi - lo + 1 <= 0;
        List<HistoryBucket> buckets = huge || TileBuckets.Applies(hi - lo + 1, maxPoints)
            ? await FromTilesAsync(connection, id, lo, hi, maxPoints, cancellationToken).ConfigureAwait(false)
            : await FromPointsAsync(connection, id, lo, hi, maxPoints, cancellationToken).ConfigureAwait(false);
        return new SeriesHistory(name, buckets.Sum(b => b.Count), buckets);
    }

    private static async Task<List<HistoryBucket>> FromPointsAsync(NpgsqlConnection connection, long id, long lo, long hi, int maxPoints, CancellationToken cancellationToken)
    {
        long span = hi - lo + 1;
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { Points(id, lo, span, Math.Min(maxPoints, span)) } };
        return (await ReadAsync(batch, cancellationToken).ConfigureAwait(false))[0];
    }

    private static async Task<List<HistoryBucket>> FromTilesAsync(NpgsqlConnection connection, long id, long lo, long hi, int maxPoints, CancellationToken cancellationToken)
    {
        // Whole tiles inside [lo, hi]; the partial tiles at either end come from the points (one bucket each).
        long firstTile = TileAccumulator.TileOf(lo - 1) + 1;
        long lastTile = TileAccumulator.TileOf(hi + 1) - 1;
        long tiles = lastTile - firstTile + 1;
        var tileCommand = new NpgsqlBatchCommand(TileGroups);
        foreach (long value in new[] { id, firstTile, lastTile, maxPoints, tiles }) tileCommand.Parameters.Add(new NpgsqlParameter { Value = value });
        // Each edge is one bucket (n = 1); an edge that is empty (lo or hi on a tile boundary) spans 0 steps.
        long headEnd = firstTile * TileAccumulator.Width, tailStart = (lastTile + 1) * TileAccumulator.Width;
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { Points(id, lo, headEnd - lo, 1), tileCommand, Points(id, tailStart, hi + 1 - tailStart, 1) },
        };
        List<HistoryBucket>[] parts = await ReadAsync(batch, cancellationToken).ConfigureAwait(false);
        List<HistoryBucket> result = parts[1];
        if (parts[0] is [var head])
        {
            if (result.Count > 0) result[0] = Merge(head, result[0]);
            else result.Add(head);
        }
        if (parts[2] is [var tail])
        {
            if (result.Count > 0) result[^1] = Merge(result[^1], tail);
            else result.Add(tail);
        }
        return result;
    }

    // n buckets over the steps [start, start + span).
    private static NpgsqlBatchCommand Points(long id, long start, long span, long buckets)
    {
        var command = new NpgsqlBatchCommand(PointBuckets);
        foreach (long value in new[] { id, start, span, buckets }) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    // Every command of the batch returns rows shaped as a bucket; one list per command.
    private static async Task<List<HistoryBucket>[]> ReadAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var parts = new List<HistoryBucket>[batch.BatchCommands.Count];
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = [];
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                parts[i].Add(new HistoryBucket(reader.GetInt64(0), reader.GetInt64(1), Nullable(reader, 2), Nullable(reader, 3), Nullable(reader, 4), reader.GetInt64(5)));
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }
        return parts;
    }

    // Merges two summaries where every step of a comes before every step of b.
    private static HistoryBucket Merge(HistoryBucket a, HistoryBucket b) => new(
        a.FirstStep, b.LastStep,
        a.Min is null ? b.Min : b.Min is null ? a.Min : Math.Min(a.Min.Value, b.Min.Value),
        a.Max is null ? b.Max : b.Max is null ? a.Max : Math.Max(a.Max.Value, b.Max.Value),
        b.Last, a.Count + b.Count);

    private static double? Nullable(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);
}
