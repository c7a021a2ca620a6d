using Microsoft.Data.Sqlite;

namespace Vigil.Monitoring.Storage;

/// <summary>
/// Summarises a batch of points per (series, tile) — a tile is <see cref="Width"/> consecutive steps — and merges the
/// summaries into the <c>tiles</c> table in the batch's transaction, so tiles always agree with the points.
/// SQLite writes them with <see cref="Write"/>; the PostgreSQL store reads them with <see cref="Drain"/>.
/// </summary>
internal sealed class TileAccumulator
{
    /// <summary>Steps per tile. Small enough that edges read from raw points are cheap, large enough that a million
    /// points are ~16k tiles.</summary>
    public const long Width = 64;

    private readonly Dictionary<(long Series, long Tile), Summary> _tiles = new();

    /// <summary>The tile holding <paramref name="step"/> (floor division, so negative steps work too).</summary>
    public static long TileOf(long step) => step >= 0 ? step / Width : -((-step + Width - 1) / Width);

    /// <summary>Adds one point (NaN counts, but takes no part in min/max, as in SQL where it is NULL).</summary>
    public void Add(long seriesId, long step, double value)
    {
        var key = (seriesId, TileOf(step));
        double? v = double.IsNaN(value) ? null : value;
        if (!_tiles.TryGetValue(key, out Summary s))
        {
            _tiles[key] = new Summary(v, v, 1, step, step, v);
            return;
        }
        _tiles[key] = new Summary(
            Min(s.Min, v), Max(s.Max, v), s.Count + 1, Math.Min(s.FirstStep, step),
            // Equal steps: the later point wins, as "last" does in the raw query (highest rowid).
            step >= s.LastStep ? step : s.LastStep, step >= s.LastStep ? v : s.LastValue);
    }

    /// <summary>The upsert statement, prepared once per connection.</summary>
    public static SqliteCommand CreateUpsert(SqliteConnection connection)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO tiles (series_id, tile, min_value, max_value, count, first_step, last_step, last_value)
            VALUES ($s, $tile, $min, $max, $count, $first, $last, $lastValue)
            ON CONFLICT (series_id, tile) DO UPDATE SET
                min_value = CASE WHEN min_value IS NULL THEN excluded.min_value WHEN excluded.min_value IS NULL THEN min_value ELSE MIN(min_value, excluded.min_value) END,
                max_value = CASE WHEN max_value IS NULL THEN excluded.max_value WHEN excluded.max_value IS NULL THEN max_value ELSE MAX(max_value, excluded.max_value) END,
                count = count + excluded.count,
                first_step = MIN(first_step, excluded.first_step),
                last_value = CASE WHEN excluded.last_step >= last_step THEN excluded.last_value ELSE last_value END,
                last_step = MAX(last_step, excluded.last_step)
            """;
        foreach (string name in new[] { "$s", "$tile", "$min", "$max", "$count", "$first", "$last", "$lastValue" })
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }

    /// <summary>Merges every summary into the table and clears the accumulator.</summary>
    public void Write(SqliteCommand upsert, SqliteTransaction transaction)
    {
        upsert.Transaction = transaction;
        SqliteParameterCollection p = upsert.Parameters;
        foreach (((long series, long tile), Summary s) in _tiles)
        {
            p[0].Value = series;
            p[1].Value = tile;
            p[2].Value = (object?)s.Min ?? DBNull.Value;
            p[3].Value = (object?)s.Max ?? DBNull.Value;
            p[4].Value = s.Count;
            p[5].Value = s.FirstStep;
            p[6].Value = s.LastStep;
            p[7].Value = (object?)s.LastValue ?? DBNull.Value;
            upsert.ExecuteNonQuery();
        }
        _tiles.Clear();
    }

    /// <summary>Every summary, ordered by (series, tile) so concurrent writers lock tiles in one order; clears the accumulator.</summary>
    public IReadOnlyList<TileSummary> Drain()
    {
        TileSummary[] result = _tiles
            .Select(pair => new TileSummary(pair.Key.Series, pair.Key.Tile, pair.Value.Min, pair.Value.Max, pair.Value.Count, pair.Value.FirstStep, pair.Value.LastStep, pair.Value.LastValue))
            .OrderBy(t => t.Series).ThenBy(t => t.Tile).ToArray();
        _tiles.Clear();
        return result;
    }

    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private readonly record struct Summary(double? Min, double? Max, long Count, long FirstStep, long LastStep, double? LastValue);
}

/// <summary>One tile's summary of the points a batch added to it (null min/max/last: every value was NaN).</summary>
internal readonly record struct TileSummary(long Series, long Tile, double? Min, double? Max, long Count, long FirstStep, long LastStep, double? LastValue);
