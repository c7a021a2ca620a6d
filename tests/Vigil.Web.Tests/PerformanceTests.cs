using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Vigil.Web.Tests;

/// <summary>
/// Measures the dashboard in the browser and reports the figures (test output and
/// <c>.build/test-results/dashboard-performance.json</c>): main-thread work per live update with the simulated
/// 28-class run at the server's 10 updates/s, and the time a 100,000-point series takes to open. These are
/// measurements, not timed tests: the assertions only check that something real was measured.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PerformanceTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    // The window is a number of live updates, not a stretch of time: about 10 s and 3 s at the server's 10 updates/s.
    private const int WindowMessages = 100;
    private const int SettleMessages = 30;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private const int LargeSeriesPoints = 100_000;
    private static readonly object ReportLock = new();

    public static string ReportPath => Path.Combine(BrowserFixture.ResultsFolder, "dashboard-performance.json");

    /// <summary>
    /// Counts WebSocket messages (page clock) and collects long tasks from the start, before the app's scripts run.
    /// <c>__vigilPerf.next(n)</c> resolves when n more messages have arrived: waiting on it runs nothing in the page
    /// meanwhile, as polling from the test would.
    /// </summary>
    private const string CountingScript = """
        (() => {
          const perf = { messages: [], longTasks: [], waiting: [] };
          perf.next = (n) => new Promise((resolve) => perf.waiting.push({ count: perf.messages.length + n, resolve }));
          window.__vigilPerf = perf;
          const Native = window.WebSocket;
          window.WebSocket = class extends Native {
            constructor(...args) {
              super(...args);
              this.addEventListener('message', () => {
                perf.messages.push(performance.now());
                perf.waiting = perf.waiting.filter((w) => perf.messages.length < w.count || (w.resolve(), false));
              });
            }
          };
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) perf.longTasks.push({ start: e.startTime, duration: e.duration });
          }).observe({ type: 'longtask', buffered: true });
        })();
        """;

    [Fact]
    public async Task Main_thread_work_per_live_update_with_28_classes()
    {
        var (page, errors) = await fixture.OpenAsync(initScript: CountingScript);
        // First load settles: history drawn, the matrix and the epochs shown, then some live updates.
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=loss-chart-plot]')?.dataset.points) > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await page.WaitForSelectorAsync("[data-testid=confusion-canvas]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await NextMessagesAsync(page, SettleMessages);

        ICDPSession cdp = await page.Context.NewCDPSessionAsync(page);
        var events = new List<JsonElement>();
        var complete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.Event("Tracing.dataCollected").OnEvent += (_, data) =>
        {
            if (data is { } d && d.TryGetProperty("value", out JsonElement value))
                lock (events) events.AddRange(value.EnumerateArray().Select(e => e.Clone()));
        };
        cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
        await cdp.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["transferMode"] = "ReportEvents",
            ["traceConfig"] = new Dictionary<string, object>
            {
                ["recordMode"] = "recordContinuously",
                ["includedCategories"] = new[] { "devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel", "blink.user_timing" },
            },
        });
        // Marks on both clocks (page and trace) bound the window, so page timestamps can be placed in the trace.
        double pageStart = await page.EvaluateAsync<double>("() => { performance.mark('vigil-trace-start'); return performance.getEntriesByName('vigil-trace-start').at(-1).startTime; }");
        await NextMessagesAsync(page, WindowMessages);
        double pageEnd = await page.EvaluateAsync<double>("() => { performance.mark('vigil-trace-end'); return performance.getEntriesByName('vigil-trace-end').at(-1).startTime; }");
        await cdp.SendAsync("Tracing.end");
        await complete.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await cdp.DetachAsync();

        double[] messageTimes = await page.EvaluateAsync<double[]>("(w) => window.__vigilPerf.messages.filter(t => t >= w[0] && t <= w[1])", new[] { pageStart, pageEnd });
        // The observer's view of the same window (ending the trace makes its own long task after it).
        double[] longTasks = await page.EvaluateAsync<double[]>("(w) => window.__vigilPerf.longTasks.filter(t => t.start >= w[0] && t.start <= w[1]).map(t => t.duration)", new[] { pageStart, pageEnd });
        MainThread trace = MainThread.From(events, fixture.Server.Url.ToString());
        // VIGIL_WEB_TRACE=FILE keeps the raw trace (Chrome's JSON trace format: DevTools' Performance panel or Perfetto open it).
        if (Environment.GetEnvironmentVariable("VIGIL_WEB_TRACE") is { Length: > 0 } traceFile) File.WriteAllText(traceFile, JsonSerializer.Serialize(new { traceEvents = events }));
        Assert.True(trace.Tasks.Count > 0, $"no main-thread tasks in the trace ({events.Count} events)");

        // Trace time (µs) of the page's start mark turns page times (ms) into trace times.
        double offsetMs = trace.MarkTimeMs("vigil-trace-start") - pageStart;
        double windowStart = pageStart + offsetMs, windowEnd = pageEnd + offsetMs;
        double seconds = (windowEnd - windowStart) / 1000;
        double[] messages = messageTimes.Select(t => t + offsetMs).ToArray();
        List<MainThreadTask> inWindow = trace.Tasks.Where(t => t.StartMs >= windowStart && t.StartMs < windowEnd).ToList();
        double busy = inWindow.Sum(t => t.DurationMs);

        // Work per update: every task that starts after a message and before the next (its handling, the frame that
        // applies it, whatever else runs meanwhile).
        var perUpdate = new List<double>();
        for (int i = 0; i + 1 < messages.Length; i++)
            perUpdate.Add(inWindow.Where(t => t.StartMs >= messages[i] && t.StartMs < messages[i + 1]).Sum(t => t.DurationMs));
        var perWindow = new List<double>();
        for (double from = windowStart; from + 100 <= windowEnd; from += 100)
            perWindow.Add(inWindow.Where(t => t.StartMs >= from && t.StartMs < from + 100).Sum(t => t.DurationMs));

        var figures = new JsonObject
        {
            ["measured_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["classes"] = 28,
            ["window_seconds"] = Round(seconds, 2),
            ["messages"] = messages.Length,
            ["messages_per_second"] = Round(messages.Length / seconds, 2),
            ["main_thread_tasks"] = inWindow.Count,
            ["main_thread_busy_ms"] = Round(busy, 1),
            ["main_thread_busy_percent"] = Round(busy / (seconds * 10), 2),
            ["busy_ms_per_update_mean"] = Round(messages.Length > 0 ? busy / messages.Length : 0, 2),
            ["work_per_update_ms"] = Summary(perUpdate),
            ["work_per_100ms_window_ms"] = Summary(perWindow),
            ["longest_task_ms"] = Round(inWindow.Count > 0 ? inWindow.Max(t => t.DurationMs) : 0, 2),
            ["tasks_over_50ms"] = inWindow.Count(t => t.DurationMs > 50),
            ["long_task_observer"] = new JsonObject
            {
                ["in_window"] = longTasks.Length,
                ["longest_ms"] = Round(longTasks.Length > 0 ? longTasks.Max() : 0, 1),
            },
            ["trace_events"] = events.Count,
            ["renderer_main_thread"] = $"pid {trace.Pid} tid {trace.Tid}",
        };
        Report("live_updates", figures);

        Assert.True(messages.Length >= WindowMessages, $"{messages.Length} WebSocket messages in the window, {WindowMessages} awaited");
        Assert.True(perUpdate.Count > 0, "no consecutive messages to measure between");
        Assert.All(new[] { busy, perUpdate.Average(), Percentile(perUpdate, 0.5), Percentile(perUpdate, 0.95) }, v => Assert.True(double.IsFinite(v) && v >= 0));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_100000_point_series_opens_by_link()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Url, Timeout = TimeSpan.FromMinutes(2) };
        string id = "large-" + Guid.NewGuid().ToString("N")[..8];
        await ExternalRuns.CreateAsync(http, id, "100,000-point series");
        var points = new List<ExternalRuns.Point>(LargeSeriesPoints + LargeSeriesPoints / 100);
        var random = new Random(7);
        for (int step = 1; step <= LargeSeriesPoints; step++)
        {
            points.Add(new("loss/train", step, 2.5 * Math.Exp(-step / 30_000.0) + 0.2 + 0.05 * random.NextDouble()));
            if (step % 100 == 0) points.Add(new("loss/val", step, 2.6 * Math.Exp(-step / 35_000.0) + 0.25));
        }
        var ingest = System.Diagnostics.Stopwatch.StartNew();
        await ExternalRuns.LogPointsAsync(http, id, points);
        ingest.Stop();
        await ExternalRuns.AssertNotLiveAsync(http, id);
        JsonElement stored = await http.GetFromJsonAsync<JsonElement>($"api/metrics/history?run={id}&series=loss/train&max_points=1");
        long totalPoints = stored.GetProperty("series")[0].GetProperty("total_points").GetInt64();
        Assert.Equal(LargeSeriesPoints, totalPoints);

        // Three opens: the first with the app's files not yet cached by this browser profile's page, then two more.
        var opens = new JsonArray();
        var errors = new List<string>();
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            var (page, pageErrors) = await OpenWithoutProbesAsync("?run=" + Uri.EscapeDataString(id),
                $"performance.getEntriesByName('loss-chart:history-drawn').some(e => e.detail.runId === {JsonSerializer.Serialize(id)})");
            JsonElement open = await page.EvaluateAsync<JsonElement>("""
                id => {
                  const drawn = performance.getEntriesByName('loss-chart:history-drawn').find(e => e.detail.runId === id);
                  const history = performance.getEntriesByType('resource').filter(r => r.name.includes('/api/metrics/history') && r.name.includes(encodeURIComponent(id)) && r.name.includes('loss%2Ftrain'));
                  const nav = performance.getEntriesByType('navigation')[0];
                  return {
                    drawn_ms: drawn.startTime,
                    chart_points: drawn.detail.points,
                    data_points_attribute: Number(document.querySelector('[data-testid=loss-chart-plot]').dataset.points),
                    loss_history_requests: history.length,
                    history_request_start_ms: history.length ? history[0].startTime : null,
                    history_response_end_ms: history.length ? history[0].responseEnd : null,
                    history_request_ms: history.length ? history[0].duration : null,
                    history_response_bytes: history.length ? history[0].encodedBodySize : null,
                    dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
                  };
                }
                """, id);
            // Playwright tags returned objects with "$id"; the report keeps the figures only.
            var entry = new JsonObject(open.EnumerateObject().Where(p => !p.Name.StartsWith('$')).Select(p => KeyValuePair.Create(p.Name, JsonNode.Parse(p.Value.GetRawText()))));
            entry["attempt"] = attempt;
            opens.Add(entry);
            errors.AddRange(pageErrors);
            await page.CloseAsync();
        }
        double[] drawn = opens.Select(o => o!["drawn_ms"]!.GetValue<double>()).ToArray();
        var figures = new JsonObject
        {
            ["measured_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["stored_points_loss_train"] = totalPoints,
            ["stored_points_loss_val"] = LargeSeriesPoints / 100,
            ["ingest_seconds"] = Round(ingest.Elapsed.TotalSeconds, 2),
            ["ingest_requests"] = (points.Count + ExternalRuns.MaxPointsPerRequest - 1) / ExternalRuns.MaxPointsPerRequest,
            ["open_to_drawn_ms"] = new JsonArray(drawn.Select(d => (JsonNode)Round(d, 1)).ToArray()),
            ["opens"] = opens,
        };
        Report("large_series", figures);

        Assert.All(drawn, d => Assert.True(double.IsFinite(d) && d > 0));
        Assert.All(opens, o => Assert.True(o!["chart_points"]!.GetValue<int>() > 0));
        // The page's early request (web/src/lib/earlyHistory.ts) is the one the chart draws: asked once, not twice.
        Assert.All(opens, o => Assert.Equal(1, o!["loss_history_requests"]!.GetValue<int>()));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>Waits until <paramref name="count"/> more WebSocket messages have reached the page.</summary>
    private static Task NextMessagesAsync(IPage page, int count) =>
        page.EvaluateAsync("(n) => window.__vigilPerf.next(n)", count).WaitAsync(Generous);

    /// <summary>
    /// Opens the dashboard at <paramref name="query"/> and waits until <paramref name="readyExpression"/> is true in the
    /// page, polling it over a bare DevTools session. Playwright's own waits (load state, selectors, functions) run its
    /// injected scripts in the page, tens of milliseconds of the very main thread being measured while it loads.
    /// </summary>
    private async Task<(IPage Page, List<string> Errors)> OpenWithoutProbesAsync(string query, string readyExpression)
    {
        var (page, errors) = await fixture.NewPageAsync();
        ICDPSession cdp = await page.Context.NewCDPSessionAsync(page);
        await page.GotoAsync(fixture.Server.Url + query, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            JsonElement? answer = await cdp.SendAsync("Runtime.evaluate", new Dictionary<string, object> { ["expression"] = readyExpression, ["returnByValue"] = true });
            if (answer is { } a && a.TryGetProperty("result", out JsonElement result) && result.TryGetProperty("value", out JsonElement value) && value.ValueKind == JsonValueKind.True) break;
            Assert.True(clock.Elapsed < Generous, $"not ready after {Generous.TotalSeconds:0} s: {readyExpression}");
            await Task.Delay(50);
        }
        await cdp.DetachAsync();
        return (page, errors);
    }

    /// <summary>Writes one section of the report (the other section is kept) and prints it with its label.</summary>
    private void Report(string section, JsonObject figures)
    {
        Directory.CreateDirectory(BrowserFixture.ResultsFolder);
        JsonObject report;
        lock (ReportLock)
        {
            try { report = File.Exists(ReportPath) ? JsonNode.Parse(File.ReadAllText(ReportPath))?.AsObject() ?? [] : []; }
            catch (JsonException) { report = []; }
            report[section] = figures;
            report["browser"] = "Debian chromium headless (" + BrowserFixture.ChromiumPath + ")";
            File.WriteAllText(ReportPath, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        output.WriteLine($"dashboard performance, {section}: {figures.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
        output.WriteLine("written to " + ReportPath);
    }

    private static JsonObject Summary(List<double> values) => new()
    {
        ["count"] = values.Count,
        ["mean"] = Round(values.Count > 0 ? values.Average() : 0, 2),
        ["median"] = Round(Percentile(values, 0.5), 2),
        ["p95"] = Round(Percentile(values, 0.95), 2),
        ["max"] = Round(values.Count > 0 ? values.Max() : 0, 2),
    };

    private static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0) return 0;
        double[] sorted = [.. values.Order()];
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position), high = (int)Math.Ceiling(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    private static double Round(double value, int digits) => Math.Round(value, digits);

    /// <summary>A top-level task on the renderer's main thread, in trace milliseconds.</summary>
    private sealed record MainThreadTask(double StartMs, double DurationMs);

    /// <summary>The page's renderer main thread (CrRendererMain) in a Chrome trace: its top-level tasks and marks.</summary>
    private sealed class MainThread
    {
        private readonly List<JsonElement> _events;

        private MainThread(List<JsonElement> events, int pid, int tid, List<MainThreadTask> tasks)
        {
            _events = events;
            Pid = pid;
            Tid = tid;
            Tasks = tasks;
        }

        public int Pid { get; }
        public int Tid { get; }
        public List<MainThreadTask> Tasks { get; }

        public static MainThread From(List<JsonElement> events, string pageUrl)
        {
            var mainThreads = events
                .Where(e => Str(e, "ph") == "M" && Str(e, "name") == "thread_name" && e.TryGetProperty("args", out JsonElement a) && Str(a, "name") == "CrRendererMain")
                .Select(e => (Pid: e.GetProperty("pid").GetInt32(), Tid: e.GetProperty("tid").GetInt32()))
                .Distinct().ToList();
            // The renderer showing the page, as the trace's start event lists frames; else the busiest renderer.
            int? pagePid = events.Where(e => Str(e, "name") == "TracingStartedInBrowser")
                .SelectMany(e => e.TryGetProperty("args", out JsonElement a) && a.TryGetProperty("data", out JsonElement d) && d.TryGetProperty("frames", out JsonElement f) ? f.EnumerateArray() : Enumerable.Empty<JsonElement>())
                .Where(f => (Str(f, "url") ?? "").StartsWith(pageUrl, StringComparison.Ordinal) && f.TryGetProperty("processId", out _))
                .Select(f => (int?)f.GetProperty("processId").GetInt32()).FirstOrDefault();
            var candidates = mainThreads.Where(t => pagePid is null || t.Pid == pagePid).ToList();
            MainThread? best = null;
            foreach (var (pid, tid) in candidates)
            {
                var thread = new MainThread(events, pid, tid, TopLevelTasks(events, pid, tid));
                if (best is null || thread.Tasks.Sum(t => t.DurationMs) > best.Tasks.Sum(t => t.DurationMs)) best = thread;
            }
            return best ?? new MainThread(events, 0, 0, []);
        }

        /// <summary>The trace time (ms) of a performance.mark made on this thread.</summary>
        public double MarkTimeMs(string name)
        {
            JsonElement mark = _events.FirstOrDefault(e => Str(e, "name") == name && e.GetProperty("pid").GetInt32() == Pid);
            Assert.True(mark.ValueKind == JsonValueKind.Object, $"the mark {name} is not in the trace");
            return mark.GetProperty("ts").GetDouble() / 1000;
        }

        // Chrome wraps each scheduled task in "RunTask" and "ThreadControllerImpl::RunTask" (one inside the other, the
        // pair varies by version): a task inside another one's span is counted in the outer one only.
        private static List<MainThreadTask> TopLevelTasks(List<JsonElement> events, int pid, int tid)
        {
            var tasks = events
                .Where(e => Str(e, "ph") == "X" && Str(e, "name") is "ThreadControllerImpl::RunTask" or "RunTask"
                            && e.GetProperty("pid").GetInt32() == pid && e.GetProperty("tid").GetInt32() == tid && e.TryGetProperty("dur", out _))
                .Select(e => new MainThreadTask(e.GetProperty("ts").GetDouble() / 1000, e.GetProperty("dur").GetDouble() / 1000))
                .OrderBy(t => t.StartMs).ThenByDescending(t => t.DurationMs).ToList();
            var topLevel = new List<MainThreadTask>();
            double coveredUntil = double.NegativeInfinity;
            foreach (MainThreadTask t in tasks)
            {
                if (t.StartMs + t.DurationMs <= coveredUntil) continue;
                topLevel.Add(t);
                coveredUntil = Math.Max(coveredUntil, t.StartMs + t.DurationMs);
            }
            return topLevel;
        }

        private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
