using System.Text.Json;
using Microsoft.Playwright;

namespace Vigil.Web.Tests;

/// <summary>Stop and Start from the header, on a server of its own (stopping would end the other classes' shared run).</summary>
[Collection(BrowserCollection.Name)]
public sealed class ControlTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>The header's button named <paramref name="name"/> (also used by the other control tests).</summary>
    internal static ILocator HeaderButton(IPage page, string name) =>
        page.Locator("header").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = name, Exact = true });

    [Fact]
    public async Task Stop_asks_for_confirmation_ends_the_run_and_Start_launches_a_new_one_from_the_form()
    {
        var (page, errors) = await fixture.OpenAsync();
        await page.WaitForSelectorAsync("[data-testid=run-state][data-state=running]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        string first = (await fixture.Server.StatusAsync()).GetProperty("run_id").GetString()!;
        await Assertions.Expect(HeaderButton(page, "Start")).ToHaveCountAsync(0); // not while a run is active

        ILocator dialog = page.Locator("dialog[open]");
        await HeaderButton(page, "Stop").ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Stop training?");
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        Assert.Equal("running", (await fixture.Server.StatusAsync()).GetProperty("state").GetString());

        await HeaderButton(page, "Stop").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Stop", Exact = true }).ClickAsync();
        // The trainer ends at its next batch boundary; the badge follows its report, and only Start is offered then.
        await page.WaitForSelectorAsync("[data-testid=run-state][data-state=stopped]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal("stopped", (await fixture.Server.StatusAsync()).GetProperty("state").GetString());
        await Assertions.Expect(HeaderButton(page, "Pause")).ToHaveCountAsync(0);
        await Assertions.Expect(HeaderButton(page, "Stop")).ToHaveCountAsync(0);

        await HeaderButton(page, "Start").ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Start a training run");
        await dialog.GetByLabel("Phase").SelectOptionAsync("supervised");
        await dialog.GetByLabel("Epochs").FillAsync("5");
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Start", Exact = true }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        // A new run, live and running, with the epochs asked for; the page follows it.
        await page.WaitForSelectorAsync("[data-testid=run-state][data-state=running]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        JsonElement status = await fixture.Server.StatusAsync();
        string second = status.GetProperty("run_id").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(5, status.GetProperty("epochs").GetInt32());
        await Assertions.Expect(page.Locator("[data-testid=run-picker] option[value='']")).ToHaveTextAsync($"Live run ({second})");
        await Assertions.Expect(HeaderButton(page, "Pause")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=progress-epoch]")).ToContainTextAsync("/ 5");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }
}
