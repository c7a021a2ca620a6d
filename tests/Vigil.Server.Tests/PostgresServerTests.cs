using System.Globalization;
using System.Net;
using System.Text.Json;
using Vigil.Monitoring.Storage.Postgres;
using Vigil.Monitoring.Tests;

namespace Vigil.Server.Tests;

/// <summary>A real server whose store is PostgreSQL (MONITORING_DB_PATH / --db set to a postgres:// URL).</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public async Task IngestionHistoryAndExportRoundTripThroughPostgres()
    {
        await using PostgresTestDatabase database = await PostgresTestDatabase.CreateAsync();
        var posted = new Dictionary<long, double>();
        await using (ServerHarness h = await ServerHarness.StartAsync(o => o with { DbPath = database.Url }))
        {
            Assert.IsType<PostgresMetricStore>(h.Server.Session.Store);
            Assert.Equal(HttpStatusCode.Created, (await h.PostJsonAsync("api/runs", new { id = "pg", name = "on postgres", hyperparameters = new { lr = 0.01 } })).StatusCode);
            for (int batch = 0; batch < 3; batch++)
            {
                var points = Enumerable.Range(batch * 1000, 1000).Select(i => new { series = "loss/train", step = i, value = 1.0 / (i + 1) }).ToArray();
                foreach (var p in points) posted[p.step] = p.value;
                Assert.Equal(HttpStatusCode.OK, (await h.PostJsonAsync("api/runs/pg/log", new { points })).StatusCode);
            }
            string extra = """
                {"points": [{"series": "grad/norm", "step": 1, "value": "NaN"}, {"series": "grad/norm", "step": 2, "value": "Infinity"}],
                 "epoch": {"epoch": 1, "classes": ["normal", "RVO"], "confusion_matrix": [[5, 0], [2, 2]]}}
                """;
            Assert.Equal(HttpStatusCode.OK, (await h.PostRawAsync("api/runs/pg/log", extra)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await h.PostJsonAsync("api/runs/pg/log", new { state = "completed" })).StatusCode);

            // Acknowledged means committed: the history is there at once.
            JsonElement history = await h.GetJsonAsync("api/metrics/history?run=pg&series=loss/train&max_points=100");
            JsonElement loss = Assert.Single(history.GetProperty("series").EnumerateArray());
            Assert.Equal(3000, loss.GetProperty("total_points").GetInt64());
            Assert.Equal(100, loss.GetProperty("buckets").GetArrayLength());
            Assert.Equal(1.0, loss.GetProperty("buckets")[0].GetProperty("max").GetDouble());
            Assert.Equal(1.0 / 3000, loss.GetProperty("buckets")[99].GetProperty("last").GetDouble());

            // The export streams every point back, series then step, values exactly as posted.
            string csv = await h.Http.GetStringAsync("api/runs/pg/export.csv");
            string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("run_id,series,step,value,wall_time", lines[0]);
            Assert.Equal(1 + 2 + 3000, lines.Length);
            Assert.StartsWith("pg,grad/norm,1,NaN,", lines[1]);
            Assert.StartsWith("pg,grad/norm,2,Infinity,", lines[2]);
            foreach (string line in lines.Skip(3))
            {
                string[] cells = line.Split(',');
                Assert.Equal(("pg", "loss/train"), (cells[0], cells[1]));
                long step = long.Parse(cells[2], CultureInfo.InvariantCulture);
                Assert.Equal(posted[step], double.Parse(cells[3], CultureInfo.InvariantCulture));
            }
            Assert.Equal(Enumerable.Range(0, 3000).Select(i => (long)i), lines.Skip(3).Select(l => long.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)));
        }

        // A second server on the same database finds everything: the data lives in PostgreSQL, not in the process.
        await using (ServerHarness again = await ServerHarness.StartAsync(o => o with { DbPath = database.Url }))
        {
            JsonElement run = (await again.GetJsonAsync("api/runs/pg")).GetProperty("run");
            Assert.Equal(("on postgres", "completed", 0.01), (run.GetProperty("name").GetString(), run.GetProperty("state").GetString(), run.GetProperty("hyperparameters").GetProperty("lr").GetDouble()));
            Assert.Equal(2, (await again.GetJsonAsync("api/runs/pg/confusion")).GetProperty("confusion_matrix")[1][1].GetInt32());
            JsonElement history = await again.GetJsonAsync("api/metrics/history?run=pg&max_points=10");
            Assert.Equal(["grad/norm", "loss/train"], history.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("series").GetString()));
            Assert.Equal(3000, history.GetProperty("series")[1].GetProperty("total_points").GetInt64());
        }
    }

    [Fact]
    public async Task AnUnreachableDatabaseStopsTheServerWithoutShowingThePassword()
    {
        // Port 1 on loopback: nothing listens there.
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ServerHarness.StartAsync(o => o with { DbPath = "postgres://vigil:hunter2@127.0.0.1:1/vigil" }));
        Assert.Contains("postgres://vigil:***@127.0.0.1:1/vigil", e.Message);
        Assert.DoesNotContain("hunter2", e.ToString());
    }
}
