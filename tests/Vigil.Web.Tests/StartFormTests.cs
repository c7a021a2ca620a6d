using Microsoft.Playwright;

namespace Vigil.Web.Tests;

/// <summary>A plain <c>vigil serve</c> with no run yet: its critical classes, and the Start form offering its organized dataset.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StartFormTests(IdleServerBrowserFixture fixture) : IClassFixture<IdleServerBrowserFixture>
{
    [Fact]
    public async Task An_idle_server_offers_Start_with_its_organized_datasets()
    {
        var (page, errors) = await fixture.OpenAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-state]")).ToHaveAttributeAsync("data-state", "idle");
        // A configured critical class is listed before any run reports it, with no figure yet.
        ILocator condition = page.Locator($"[data-testid=condition-{IdleServerBrowserFixture.CriticalClass}]");
        await Assertions.Expect(condition).ToHaveAttributeAsync("data-status", "unknown");
        await Assertions.Expect(condition).ToContainTextAsync("No data");
        ILocator start = page.Locator("header").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Start", Exact = true });
        await start.ClickAsync();
        ILocator dialog = page.Locator("dialog[open]");
        await Assertions.Expect(dialog).ToContainTextAsync("Start a training run");
        // The dataset field suggests the server's organized dataset by its path (what the start route takes).
        string path = Path.Combine(fixture.Server.Folder, "datasets", "anomaly_detection", IdleServerBrowserFixture.Dataset);
        ILocator choice = dialog.Locator("[data-testid=dataset-choices] option");
        await Assertions.Expect(choice).ToHaveCountAsync(1);
        Assert.Equal(path, await choice.GetAttributeAsync("value"));
        Assert.StartsWith($"{IdleServerBrowserFixture.Dataset} · 40 images · ", await choice.GetAttributeAsync("label"));
        await Assertions.Expect(dialog).ToContainTextAsync($"1 organized dataset on the server: {IdleServerBrowserFixture.Dataset}");
        await Assertions.Expect(dialog.GetByLabel("Dataset folder")).ToHaveAttributeAsync("list", "vigil-datasets");

        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }
}
