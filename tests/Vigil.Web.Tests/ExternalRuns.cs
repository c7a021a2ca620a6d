using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.Web.Tests;

/// <summary>Creates runs through the ingestion API (docs/monitoring-api.md), as an external trainer would.</summary>
public static class ExternalRuns
{
    /// <summary>The most points one <c>POST /api/runs/{id}/log</c> takes.</summary>
    public const int MaxPointsPerRequest = 1000;

    /// <summary>One point of a series.</summary>
    public sealed record Point(string Series, long Step, double Value);

    /// <summary><c>POST /api/runs</c>: a new run named <paramref name="name"/>, whose trainer acts on Pause/Resume/Stop when <paramref name="acceptsControl"/>.</summary>
    public static async Task CreateAsync(HttpClient http, string id, string name, bool acceptsControl = false)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync("api/runs",
            new { id, name, config = new { source = "browser test" }, hyperparameters = new { lr = 0.001 }, accepts_control = acceptsControl });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/runs answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary><c>POST /api/runs/{id}/log</c> in requests of at most 1,000 points (a 200 means committed).</summary>
    public static async Task LogPointsAsync(HttpClient http, string id, IReadOnlyList<Point> points)
    {
        for (int start = 0; start < points.Count; start += MaxPointsPerRequest)
        {
            var chunk = points.Skip(start).Take(MaxPointsPerRequest).Select(p => new { series = p.Series, step = p.Step, value = p.Value });
            await PostLogAsync(http, id, new { points = chunk });
        }
    }

    /// <summary>Stores one epoch record (pushed as <c>epoch_end</c> too).</summary>
    public static Task LogEpochAsync(HttpClient http, string id, object epoch) => PostLogAsync(http, id, new { epoch });

    /// <summary>Asserts that the server's live run is not <paramref name="id"/>: a run posted through the API does not
    /// take the live status from the simulated run this process trains (the one the controls act on).</summary>
    public static async Task AssertNotLiveAsync(HttpClient http, string id)
    {
        JsonElement status = await http.GetFromJsonAsync<JsonElement>("api/status");
        Assert.NotEqual(id, status.GetProperty("run_id").GetString());
    }

    private static async Task PostLogAsync(HttpClient http, string id, object body)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync($"api/runs/{Uri.EscapeDataString(id)}/log", body);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/runs/{id}/log answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
