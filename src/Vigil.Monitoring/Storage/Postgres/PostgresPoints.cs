using Npgsql;
using NpgsqlTypes;

namespace Vigil.Monitoring.Storage.Postgres;

/// <summary>
/// Writes one batch of points inside the caller's transaction: creates missing runs and series (one round trip for
/// all of them), streams the points with binary COPY, and merges the batch's tile summaries with one upsert.
/// </summary>
internal static class PostgresPoints
{
    /// <summary>Appends <paramref name="points"/>; returns the series ids it had to look up, to cache once committed.</summary>
    public static async Task<Dictionary<(string Run, string Series), long>> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<MetricPoint> points, Func<(string Run, string Series), long?> known, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<(string Run, string Series), long>();
        // The first time each new series appears: a bare run created here takes it as its creation time.
        var missing = new Dictionary<(string Run, string Series), DateTimeOffset>();
        foreach (MetricPoint point in points)
        {
            var key = (point.RunId, point.Series);
            if (ids.ContainsKey(key) || missing.ContainsKey(key)) continue;
            if (known(key) is { } id) ids[key] = id;
            else missing[key] = point.WallTime;
        }
        Dictionary<(string, string), long> added = missing.Count == 0
            ? []
            : await CreateSeriesAsync(connection, transaction, missing, cancellationToken).ConfigureAwait(false);
        foreach (var pair in added) ids[pair.Key] = pair.Value;

        var tiles = new TileAccumulator();
        await using (NpgsqlBinaryImporter copy = await connection.BeginBinaryImportAsync(
            "COPY points (series_id, step, value, wall_time) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            foreach (MetricPoint point in points)
            {
                long seriesId = ids[(point.RunId, point.Series)];
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(seriesId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(point.Step, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                // NaN is "missing" in the contract (and in SQLite); NULL keeps it out of MIN/MAX.
                if (double.IsNaN(point.Value)) await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                else await copy.WriteAsync(point.Value, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(point.WallTime.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                tiles.Add(seriesId, point.Step, point.Value);
            }
            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        await UpsertTilesAsync(connection, transaction, tiles.Drain(), cancellationToken).ConfigureAwait(false);
        return added;
    }

    // Rows go in sorted order so two writers creating the same series cannot deadlock on the unique indexes.
    private static async Task<Dictionary<(string, string), long>> CreateSeriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Dictionary<(string Run, string Series), DateTimeOffset> missing, CancellationToken cancellationToken)
    {
        var sorted = missing.OrderBy(p => p.Key.Run, StringComparer.Ordinal).ThenBy(p => p.Key.Series, StringComparer.Ordinal).ToArray();
        var runs = sorted.GroupBy(p => p.Key.Run, StringComparer.Ordinal).Select(g => (Run: g.Key, Time: g.Min(p => p.Value).ToUniversalTime())).ToArray();
        string[] runIds = sorted.Select(p => p.Key.Run).ToArray(), names = sorted.Select(p => p.Key.Series).ToArray();

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command("""
                    INSERT INTO runs (id, name, state, source, created_at, updated_at)
                    SELECT r, r, $3, 'external', t, t FROM unnest($1::text[], $2::timestamptz[]) AS u(r, t) ORDER BY r COLLATE "C"
                    ON CONFLICT (id) DO NOTHING
                    """, runs.Select(r => r.Run).ToArray(), runs.Select(r => r.Time).ToArray(), RunStates.Running),
                Command("""
                    INSERT INTO series (run_id, name) SELECT r, n FROM unnest($1::text[], $2::text[]) AS u(r, n)
                    ORDER BY r COLLATE "C", n COLLATE "C" ON CONFLICT DO NOTHING
                    """, runIds, names),
                Command("""
                    SELECT s.run_id, s.name, s.id FROM series s JOIN unnest($1::text[], $2::text[]) AS u(r, n) ON s.run_id = u.r AND s.name = u.n
                    """, runIds, names),
            },
        };
        var ids = new Dictionary<(string, string), long>(sorted.Length);
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            ids[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        return ids;
    }

    // LEAST/GREATEST skip NULLs, which is exactly how an all-NaN tile must merge with a stored one.
    private static async Task UpsertTilesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<TileSummary> tiles, CancellationToken cancellationToken)
    {
        if (tiles.Count == 0) return;
        await using var command = new NpgsqlCommand("""
            INSERT INTO tiles AS t (series_id, tile, min_value, max_value, count, first_step, last_step, last_value)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[], $5::bigint[], $6::bigint[], $7::bigint[], $8::float8[])
            ON CONFLICT (series_id, tile) DO UPDATE SET
                min_value = LEAST(t.min_value, excluded.min_value),
                max_value = GREATEST(t.max_value, excluded.max_value),
                count = t.count + excluded.count,
                first_step = LEAST(t.first_step, excluded.first_step),
                last_value = CASE WHEN excluded.last_step >= t.last_step THEN excluded.last_value ELSE t.last_value END,
                last_step = GREATEST(t.last_step, excluded.last_step)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.Series).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.Tile).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.Min).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.Max).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.Count).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.FirstStep).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.LastStep).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.LastValue).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (object value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
