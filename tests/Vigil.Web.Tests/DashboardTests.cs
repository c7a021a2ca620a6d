using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Vigil.Web.Tests;

/// <summary>The dashboard in a real browser against a real simulated run (28 RETFound classes, an epoch every 2 s).</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static async Task<string> TextAsync(IPage page, string selector) => (await page.Locator(selector).First.InnerTextAsync()).Trim();

    private async Task<string> ApiStateAsync() => (await fixture.Server.StatusAsync()).GetProperty("state").GetString()!;

    /// <summary>The server's status once it says <paramref name="expected"/>, or its last answer after 15 s: the
    /// trainer confirms a pause or a resume at its next batch boundary, a moment after the control request returns.</summary>
    private async Task<string> ApiStateWhenAsync(string expected)
    {
        string state = await ApiStateAsync();
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); state != expected && clock.Elapsed < TimeSpan.FromSeconds(15); state = await ApiStateAsync())
            await Task.Delay(50);
        return state;
    }

    /// <summary>Lets the shared simulated run go on whatever a test left it in, so one failure does not starve the
    /// next tests (a 409 answers that it was not paused).</summary>
    private async Task ResumeIfPausedAsync()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };
        (await http.PostAsync("api/training/resume", null)).Dispose();
    }

    [Fact]
    public async Task Page_loads_without_console_errors_and_live_values_change()
    {
        var (page, errors) = await fixture.OpenAsync();
        // A long-task observer from the start, to report main-thread stalls after the first load.
        await page.EvaluateAsync("() => { window.__long = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask' }); }");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=progress-batch]')?.textContent.trim().length > 0");
        string before = await TextAsync(page, "[data-testid=progress-batch]");
        await page.WaitForFunctionAsync(
            "before => document.querySelector('[data-testid=progress-batch]').textContent.trim() !== before",
            before, new PageWaitForFunctionOptions { Timeout = 15_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=metric-loss-train] [data-testid=metric-value]').textContent !== '—'");
        Assert.Equal("live", await page.Locator("[data-testid=connection]").GetAttributeAsync("data-state"));
        await page.WaitForSelectorAsync("[data-testid=loss-chart-plot] canvas");
        await page.WaitForSelectorAsync("[data-testid=no-gpu]"); // this machine has no GPU: said plainly
        await page.WaitForTimeoutAsync(5000);
        double[] longTasks = await page.EvaluateAsync<double[]>("() => window.__long");
        output.WriteLine($"long tasks (> 50 ms) over ~5 s of live updates after load: {longTasks.Length}; longest {(longTasks.Length > 0 ? longTasks.Max() : 0):F0} ms");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    [Fact]
    public async Task Pause_asks_for_confirmation_and_resume_resumes()
    {
        var (page, errors) = await fixture.OpenAsync();
        await page.WaitForSelectorAsync("[data-testid=run-state][data-state=running]", new PageWaitForSelectorOptions { Timeout = 30_000 });

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Pause", Exact = true }).ClickAsync();
        ILocator dialog = page.Locator("dialog[open]");
        await Assertions.Expect(dialog).ToContainTextAsync("Pause training?");
        // Cancel keeps it running.
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        Assert.Equal("running", await ApiStateAsync());

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Pause", Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Pause", Exact = true }).ClickAsync();
        try
        {
            await page.WaitForSelectorAsync("[data-testid=run-state][data-state=paused]");
            Assert.Equal("paused", await ApiStateWhenAsync("paused"));
            // The buttons follow the state machine: no Pause while paused.
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Pause", Exact = true })).ToHaveCountAsync(0);
            // Paused means held: the batch counter stands still (once the last update sent before the pause is shown).
            await page.WaitForTimeoutAsync(300);
            string held = await TextAsync(page, "[data-testid=progress-batch]");
            await page.WaitForTimeoutAsync(1000);
            Assert.Equal(held, await TextAsync(page, "[data-testid=progress-batch]"));

            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Resume", Exact = true }).ClickAsync();
            await page.WaitForSelectorAsync("[data-testid=run-state][data-state=running]");
            Assert.Equal("running", await ApiStateWhenAsync("running"));
        }
        finally
        {
            await ResumeIfPausedAsync();
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    [Fact]
    public async Task Hovering_a_confusion_matrix_cell_shows_its_classes_count_and_share()
    {
        var (page, errors) = await fixture.OpenAsync();
        ILocator canvas = page.Locator("[data-testid=confusion-canvas]");
        await canvas.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        float cell = float.Parse((await canvas.GetAttributeAsync("data-cell"))!, System.Globalization.CultureInfo.InvariantCulture);
        float ox = float.Parse((await canvas.GetAttributeAsync("data-origin-x"))!, System.Globalization.CultureInfo.InvariantCulture);
        float oy = float.Parse((await canvas.GetAttributeAsync("data-origin-y"))!, System.Globalization.CultureInfo.InvariantCulture);
        // Row 9 (RAO, true), column 9 (RAO, predicted): the diagonal cell of a critical class.
        await canvas.HoverAsync(new LocatorHoverOptions { Position = new Position { X = ox + cell * 9.5f, Y = oy + cell * 9.5f } });
        ILocator tip = page.Locator("[data-testid=confusion-tooltip]");
        await Assertions.Expect(tip).ToContainTextAsync("True: RAO");
        await Assertions.Expect(tip).ToContainTextAsync("Predicted: RAO");
        await Assertions.Expect(tip).ToContainTextAsync("% of true");
        output.WriteLine("tooltip: " + (await tip.InnerTextAsync()).Replace('\n', ' '));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    [Fact]
    public async Task Csv_export_downloads_the_chart_data_with_its_header()
    {
        var (page, errors) = await fixture.OpenAsync();
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=loss-chart-plot]')?.dataset.points) > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=loss-chart-csv]").ClickAsync());
        Assert.Equal("loss.csv", download.SuggestedFilename);
        string path = await download.PathAsync();
        string[] lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("series,step,value,min,max,smoothed", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("loss/train,", StringComparison.Ordinal));
        output.WriteLine($"loss.csv: {lines.Length - 1} rows");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    [Theory]
    [InlineData(1440, 3)]
    [InlineData(900, 2)]
    [InlineData(390, 1)]
    public async Task Layout_has_3_2_1_columns_by_width_with_nothing_cut_off(int width, int columns)
    {
        var (page, errors) = await fixture.OpenAsync(width, 900);
        await page.WaitForSelectorAsync("[data-testid=confusion-canvas]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForSelectorAsync("[data-testid=loss-chart-plot] canvas");
        await page.WaitForTimeoutAsync(1500);
        int count = await page.EvaluateAsync<int>("() => getComputedStyle(document.querySelector('[data-testid=dashboard-grid]')).gridTemplateColumns.split(' ').length");
        Assert.Equal(columns, count);
        // Nothing wider than the viewport (the confusion matrix scrolls inside its own panel).
        int overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the viewport at {width} px");
        // Every row of panels fills the grid's width: no empty cell beside a panel.
        string[] gaps = await page.EvaluateAsync<string[]>("""
            () => {
              const grid = document.querySelector('[data-testid=dashboard-grid]');
              const gap = parseFloat(getComputedStyle(grid).columnGap) || 0;
              const rows = new Map();
              for (const child of grid.children) {
                const r = child.getBoundingClientRect();
                const row = rows.get(Math.round(r.top)) ?? { width: 0, panels: [] };
                row.width += r.width;
                row.panels.push(child.querySelector('h2')?.textContent ?? '?');
                rows.set(Math.round(r.top), row);
              }
              return [...rows.values()].filter(row => row.width + gap * (row.panels.length - 1) < grid.clientWidth - 2)
                .map(row => `${row.panels.join(' + ')} fill ${Math.round(row.width + gap * (row.panels.length - 1))} of ${grid.clientWidth} px`);
            }
            """);
        Assert.True(gaps.Length == 0, $"rows with an empty cell at {width} px: " + string.Join("; ", gaps));
        // Beside the (taller) confusion matrix, the class list grows to the matrix's height instead of leaving a gap.
        double[] beside = await page.EvaluateAsync<double[]>("""
            () => ['confusion-matrix', 'class-performance'].flatMap(id => {
              const r = document.querySelector(`[data-testid=${id}]`).getBoundingClientRect();
              return [r.top, r.bottom];
            })
            """);
        if (Math.Abs(beside[0] - beside[2]) < 1)
            Assert.True(Math.Abs(beside[1] - beside[3]) < 2, $"at {width} px the class list ends at {beside[3]:F0} px, the matrix beside it at {beside[1]:F0} px");
        await AssertConfusionLabelsReadableAsync(page, width);
        Directory.CreateDirectory(BrowserFixture.ScreenshotFolder);
        string file = Path.Combine(BrowserFixture.ScreenshotFolder, $"dashboard-{width}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        // The matrix alone, cut from the full page (an element screenshot would scroll it under the sticky header).
        double[] panel = await page.EvaluateAsync<double[]>("() => { const r = document.querySelector('[data-testid=confusion-matrix]').getBoundingClientRect(); return [r.x + scrollX, r.y + scrollY, r.width, r.height]; }");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"confusion-{width}.png"), FullPage = true,
            Clip = new Clip { X = (float)panel[0], Y = (float)panel[1], Width = (float)panel[2], Height = (float)panel[3] },
        });
        output.WriteLine("screenshot: " + file);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    /// <summary>
    /// Every confusion-matrix label lies wholly inside the matrix's panel (none clipped by it), and carries the full
    /// class name as its title, so a label cut with an ellipsis or shown as a number still says its class on hover.
    /// </summary>
    private async Task AssertConfusionLabelsReadableAsync(IPage page, int width)
    {
        JsonElement report = await page.EvaluateAsync<JsonElement>("""
            () => {
              const box = document.querySelector('[data-testid=confusion-scroller]').getBoundingClientRect();
              const labels = [...document.querySelectorAll('[data-testid=confusion-label]')];
              const problems = [];
              let abbreviated = 0;
              for (const el of labels) {
                const r = el.getBoundingClientRect();
                const text = el.textContent.trim();
                if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
                  problems.push(`${el.dataset.axis} label "${text}" is clipped by the panel`);
                if (!el.title) problems.push(`${el.dataset.axis} label "${text}" has no title`);
                const cut = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
                if (cut || text !== el.title) abbreviated++;
              }
              const key = document.querySelectorAll('[data-testid=confusion-key] li').length;
              return { mode: document.querySelector('[data-testid=confusion-grid]').dataset.labelMode, labels: labels.length, abbreviated, key, problems };
            }
            """);
        string mode = report.GetProperty("mode").GetString()!;
        int labels = report.GetProperty("labels").GetInt32();
        int key = report.GetProperty("key").GetInt32();
        output.WriteLine($"confusion labels at {width} px: {labels} ({mode}), {report.GetProperty("abbreviated").GetInt32()} abbreviated; key entries {key}");
        Assert.Equal(2 * 28, labels);
        string[] problems = report.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems));
        // Numbers stand for names only with the key that names them.
        if (mode == "numbers") Assert.Equal(28, key);
    }

    [Fact]
    public async Task A_run_opened_by_link_shows_its_history_and_the_picker_returns_to_the_live_run()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };
        string id = "picker-" + Guid.NewGuid().ToString("N")[..8];
        await ExternalRuns.CreateAsync(http, id, "picker test");
        // 300 steps of training loss, validation every 50 steps, two epochs of a 3-class classifier.
        var points = new List<ExternalRuns.Point>();
        for (int step = 1; step <= 300; step++)
        {
            points.Add(new("loss/train", step, 2.0 * Math.Exp(-step / 100.0) + 0.1));
            if (step % 50 == 0) points.Add(new("loss/val", step, 2.2 * Math.Exp(-step / 120.0) + 0.15));
        }
        await ExternalRuns.LogPointsAsync(http, id, points);
        string[] classes = ["Normal", "RAO", "RVO"];
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            await ExternalRuns.LogEpochAsync(http, id, new
            {
                run_id = id, epoch, epochs = 2, global_step = 150 * epoch, train_loss = 1.0 / epoch, val_loss = 1.1 / epoch, accuracy = 0.6 + 0.1 * epoch,
                classes, confusion_matrix = new[] { new[] { 50, 3, 2 }, new[] { 4, 5 + epoch, 1 }, new[] { 2, 1, 7 } },
                per_class = new[]
                {
                    new { @class = "Normal", sensitivity = 0.91, support = 55 },
                    new { @class = "RAO", sensitivity = 0.5 + 0.05 * epoch, support = 10 },
                    new { @class = "RVO", sensitivity = 0.7, support = 10 },
                },
            });
        }
        await ExternalRuns.AssertNotLiveAsync(http, id);

        var (page, errors) = await fixture.OpenAsync(query: "?run=" + Uri.EscapeDataString(id));
        ILocator picker = page.Locator("[data-testid=run-picker]");
        await Assertions.Expect(picker).ToHaveValueAsync(id);
        await Assertions.Expect(picker.Locator($"option[value='{id}']")).ToContainTextAsync("picker test");
        await Assertions.Expect(page.Locator("[data-testid=run-notice][data-kind=pinned]")).ToContainTextAsync("picker test");
        // Its own history: 300 steps in the loss chart, drawn for this run; its epochs, matrix and conditions.
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=loss-chart-plot]')?.dataset.points) === 300", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        // The plot marks its first draw of the run's history (uPlot draws just after the points are counted).
        await page.WaitForFunctionAsync("id => performance.getEntriesByName('loss-chart:history-drawn').some(e => e.detail.runId === id)", id);
        await Assertions.Expect(page.Locator("[data-testid=loss-chart-plot]")).ToHaveAttributeAsync("data-right-axes", ""); // no VAE loss
        await Assertions.Expect(page.Locator("[data-testid=epoch-details-panel] h2")).ToHaveTextAsync("Epochs (2)");
        await Assertions.Expect(page.Locator("[data-testid=confusion-matrix] h2")).ToHaveTextAsync("Confusion matrix · epoch 2");
        await Assertions.Expect(page.Locator("[data-testid=confusion-label]")).ToHaveCountAsync(6);
        await Assertions.Expect(page.Locator("[data-testid=condition-RAO]")).ToHaveAttributeAsync("data-status", "critical");
        await Assertions.Expect(page.Locator("[data-testid=metric-loss-val] [data-testid=metric-value]")).ToHaveTextAsync("0.5500");
        // The controls still act on the live (simulated) run.
        await Assertions.Expect(page.Locator("[data-testid=run-state]")).ToHaveAttributeAsync("data-state", "running");
        Assert.Contains("run=" + id, page.Url, StringComparison.Ordinal);

        await picker.SelectOptionAsync(new SelectOptionValue { Value = "" });
        await Assertions.Expect(page.Locator("[data-testid=run-notice]")).ToHaveCountAsync(0);
        await page.WaitForFunctionAsync("() => !location.search.includes('run=')");
        await Assertions.Expect(page.Locator("[data-testid=progress-batch]")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => performance.getEntriesByName('loss-chart:history-drawn').at(-1).detail.runId !== " + JsonSerializer.Serialize(id), null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=confusion-label]")).ToHaveCountAsync(2 * 28, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });

        // Picking the run again pins it and puts it in the address.
        await picker.SelectOptionAsync(new SelectOptionValue { Value = id });
        await page.WaitForFunctionAsync("id => new URLSearchParams(location.search).get('run') === id", id);
        await Assertions.Expect(page.Locator("[data-testid=confusion-label]")).ToHaveCountAsync(6);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_classifier_then_VAE_run_draws_the_VAE_loss_on_its_own_axis()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };
        string id = "phases-" + Guid.NewGuid().ToString("N")[..8];
        await ExternalRuns.CreateAsync(http, id, "classifier then VAE");
        // The classifier's cross-entropy (about 1) for 100 steps, then the VAE's summed reconstruction error (about 300).
        var points = new List<ExternalRuns.Point>();
        for (int step = 1; step <= 100; step++) points.Add(new("loss/train", step, 1.0 - step / 200.0));
        for (int step = 101; step <= 200; step++) points.Add(new("vae_loss/train", step, 300.0 - step / 2.0));
        await ExternalRuns.LogPointsAsync(http, id, points);
        // One epoch of each phase, numbered run-wide as a Vigil run's are.
        await ExternalRuns.LogEpochAsync(http, id, new { epoch = 1, phase = "supervised", phase_epoch = 1, train_loss = 0.75, global_step = 100 });
        await ExternalRuns.LogEpochAsync(http, id, new { epoch = 2, phase = "unsupervised", phase_epoch = 1, train_loss = 225.0, global_step = 200 });
        await ExternalRuns.AssertNotLiveAsync(http, id);

        // The simulated live run is a classifier's: its loss legend lists train and val, no VAE rows.
        var (live, liveErrors) = await fixture.OpenAsync();
        await live.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=loss-chart-plot]')?.dataset.points) > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        ILocator liveLegend = live.Locator("[data-testid=loss-chart-plot] .u-legend .u-series:visible");
        await Assertions.Expect(liveLegend.Filter(new LocatorFilterOptions { HasText = "train" })).ToHaveCountAsync(1);
        await Assertions.Expect(liveLegend.Filter(new LocatorFilterOptions { HasText = "VAE" })).ToHaveCountAsync(0);
        await Assertions.Expect(live.Locator("[data-testid=metric-auc-macro]")).ToContainTextAsync("AUC-ROC macro");
        Assert.True(liveErrors.Count == 0, string.Join("\n", liveErrors));
        await live.CloseAsync();

        var (page, errors) = await fixture.OpenAsync(query: "?run=" + Uri.EscapeDataString(id));
        ILocator plot = page.Locator("[data-testid=loss-chart-plot]");
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=loss-chart-plot]')?.dataset.points) === 200", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await Assertions.Expect(plot).ToHaveAttributeAsync("data-right-axes", "VAE loss");
        // The epoch timeline says which phase each epoch belongs to (newest first).
        await Assertions.Expect(page.Locator("[data-testid=epoch-phase]")).ToHaveTextAsync(["VAE 1", "classifier 1"]);
        // Its last epoch is the VAE's: the AUROC card says whose AUROC it shows.
        await Assertions.Expect(page.Locator("[data-testid=metric-auc-macro]")).ToContainTextAsync("AUROC (VAE, anomaly)");
        // Its legend row (the envelope and raw helper rows of each series are hidden).
        await Assertions.Expect(plot.Locator(".u-legend .u-series:visible", new LocatorLocatorOptions { HasText = "VAE train" })).ToHaveCountAsync(1);
        Directory.CreateDirectory(BrowserFixture.ScreenshotFolder);
        await page.Locator("[data-testid=loss-chart]").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "loss-two-axes.png") });
        // The CSV export keeps the series' stored names.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=loss-chart-csv]").ClickAsync());
        string csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("\nvae_loss/train,101,", csv, StringComparison.Ordinal);
        Assert.Contains("\nloss/train,1,", csv, StringComparison.Ordinal);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_link_to_an_unknown_run_says_so_without_console_errors()
    {
        var (page, errors) = await fixture.OpenAsync(query: "?run=no-such-run");
        ILocator notice = page.Locator("[data-testid=run-notice][data-kind=missing]");
        await Assertions.Expect(notice).ToContainTextAsync("no-such-run");
        await Assertions.Expect(page.Locator("[data-testid=run-picker]")).ToHaveValueAsync("no-such-run");
        await page.WaitForTimeoutAsync(1500); // late requests would log their errors here
        await notice.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Show the live run" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=progress-batch]")).ToBeVisibleAsync();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }
}
