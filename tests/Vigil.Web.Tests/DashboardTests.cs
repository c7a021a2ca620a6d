using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Vigil.Web.Tests;

/// <summary>The dashboard in a real browser against a real simulated run (28 RETFound classes, an epoch every 2 s).</summary>
public sealed class DashboardTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static async Task<string> TextAsync(IPage page, string selector) => (await page.Locator(selector).First.InnerTextAsync()).Trim();

    private async Task<string> ApiStateAsync()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };
        JsonElement status = await http.GetFromJsonAsync<JsonElement>("api/status");
        return status.GetProperty("state").GetString()!;
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
        await page.WaitForSelectorAsync("[data-testid=run-state][data-state=paused]");
        Assert.Equal("paused", await ApiStateAsync());
        // The buttons follow the state machine: no Pause while paused.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Pause", Exact = true })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Resume", Exact = true }).ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=run-state][data-state=running]");
        Assert.Equal("running", await ApiStateAsync());
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
        Directory.CreateDirectory(BrowserFixture.ScreenshotFolder);
        string file = Path.Combine(BrowserFixture.ScreenshotFolder, $"dashboard-{width}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        output.WriteLine("screenshot: " + file);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }
}
