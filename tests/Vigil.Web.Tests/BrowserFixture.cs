using Microsoft.Playwright;

namespace Vigil.Web.Tests;

/// <summary>Browser test classes run one after another: each starts a server and a browser, and the performance
/// figures must not be measured while another class loads the machine.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}

/// <summary>
/// One server (by default <c>vigil serve --simulate</c>) and one headless Debian chromium for the test class. Browsers
/// cannot be downloaded here, so Playwright launches /usr/bin/chromium with a fresh profile.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private string? _profile;

    public VigilServer Server { get; private set; } = null!;
    public IBrowserContext Browser { get; private set; } = null!;

    public static string RepositoryRoot => typeof(BrowserFixture).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "VigilRepositoryRoot").Value!;

    /// <summary>Where screenshots are kept as test artifacts.</summary>
    public static string ScreenshotFolder => Path.Combine(RepositoryRoot, ".build", "test-results", "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install chromium");
        Server = await StartServerAsync();
        _playwright = await Playwright.CreateAsync();
        _profile = Path.Combine(Path.GetTempPath(), "vigil-web-tests", "profile-" + Guid.NewGuid().ToString("N"));
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            AcceptDownloads = true,
        });
    }

    /// <summary>The server the class's tests run against.</summary>
    protected virtual Task<VigilServer> StartServerAsync() => VigilServer.StartSimulatedAsync();

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        if (_profile is not null)
        {
            try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Where measured figures are kept as test artifacts.</summary>
    public static string ResultsFolder => Path.Combine(RepositoryRoot, ".build", "test-results");

    /// <summary>
    /// A new page on the dashboard (<paramref name="query"/>, e.g. <c>?run=id</c>, appended to its URL), collecting
    /// console errors and uncaught exceptions; <paramref name="initScript"/> runs before the app's own scripts.
    /// </summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(int width = 1440, int height = 900, string query = "", string? initScript = null)
    {
        var (page, errors) = await NewPageAsync();
        if (initScript is not null) await page.AddInitScriptAsync(initScript);
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync(Server.Url + query, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await page.WaitForSelectorAsync("[data-testid=connection][data-state=live]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        return (page, errors);
    }

    /// <summary>A blank page that collects console errors and uncaught exceptions.</summary>
    public async Task<(IPage Page, List<string> Errors)> NewPageAsync()
    {
        IPage page = await Browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add($"console: {message.Text} ({message.Location})"); };
        page.PageError += (_, error) => errors.Add("page error: " + error);
        return (page, errors);
    }
}

/// <summary>
/// A plain, idle <c>vigil serve</c> whose working folder holds one organized dataset, <see cref="Dataset"/>, and which
/// watches <see cref="CriticalClass"/> as a critical class.
/// </summary>
public sealed class IdleServerBrowserFixture : BrowserFixture
{
    public const string Dataset = "synthetic_scans";
    public const string CriticalClass = "tumor";

    protected override Task<VigilServer> StartServerAsync() => VigilServer.StartIdleWithDatasetAsync(Dataset, $$"""{"{{CriticalClass}}": 0.9}""");
}

/// <summary>A plain, idle <c>vigil serve</c>: the runs its tests post through the ingestion API become the live run.</summary>
public sealed class PlainServerBrowserFixture : BrowserFixture
{
    protected override Task<VigilServer> StartServerAsync() => VigilServer.StartIdleAsync();
}

/// <summary>A simulated run on a server that requires its token (as it does off loopback): the dashboard must sign in.</summary>
public sealed class TokenServerBrowserFixture : BrowserFixture
{
    public const string Token = "web-test-token-5d1c";

    protected override Task<VigilServer> StartServerAsync() => VigilServer.StartSimulatedWithTokenAsync(Token);
}
