using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Vigil.Web.Tests;

/// <summary>
/// The header's Pause/Resume/Stop for runs trained elsewhere: offered for a trainer that accepts control (and "Pausing…"
/// until it acknowledges), shown disabled with the reason for one that does not.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ExternalControlTests(PlainServerBrowserFixture fixture) : IClassFixture<PlainServerBrowserFixture>
{
    [Fact]
    public async Task Controls_are_offered_only_for_an_external_run_that_accepts_them()
    {
        var (page, errors) = await fixture.OpenAsync();
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };

        // A trainer that does not act on commands: the buttons are there, disabled, and say why.
        await ExternalRuns.CreateAsync(http, "plain-trainer", "no control");
        await page.WaitForSelectorAsync("[data-testid=run-state][data-state=running]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        ILocator controls = page.Locator("[data-testid=run-controls]");
        await Assertions.Expect(controls).ToHaveAttributeAsync("data-controllable", "false");
        await Assertions.Expect(ControlTests.HeaderButton(page, "Pause")).ToBeDisabledAsync();
        await Assertions.Expect(ControlTests.HeaderButton(page, "Stop")).ToBeDisabledAsync();
        StringAssert(await controls.GetAttributeAsync("title"), "does not accept control", "vigil_monitor", "vigil train --monitor");

        // A trainer that declared it accepts control: Pause is offered, and reads "Pausing…" until the trainer acknowledges.
        await ExternalRuns.CreateAsync(http, "controlled-trainer", "with control", acceptsControl: true);
        await Assertions.Expect(controls).ToHaveAttributeAsync("data-controllable", "true");
        Assert.Null(await controls.GetAttributeAsync("title"));
        await ControlTests.HeaderButton(page, "Pause").ClickAsync();
        ILocator dialog = page.Locator("dialog[open]");
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Pause", Exact = true }).ClickAsync();
        ILocator badge = page.Locator("[data-testid=run-state]");
        await Assertions.Expect(badge).ToHaveAttributeAsync("data-transition", "pause");
        await Assertions.Expect(badge).ToHaveTextAsync("Pausing…");

        // The trainer's side: the pending command, acknowledged once acted on.
        JsonElement command = (await http.GetFromJsonAsync<JsonElement>("api/runs/controlled-trainer/command?after=0&wait=10")).GetProperty("command");
        Assert.Equal("pause", command.GetProperty("action").GetString());
        using (HttpResponseMessage ack = await http.PostAsJsonAsync("api/runs/controlled-trainer/command/ack", new { id = command.GetProperty("id").GetInt64() }))
            Assert.True(ack.IsSuccessStatusCode, await ack.Content.ReadAsStringAsync());
        await Assertions.Expect(badge).ToHaveAttributeAsync("data-state", "paused");
        await Assertions.Expect(badge).ToHaveTextAsync("Paused");
        await Assertions.Expect(ControlTests.HeaderButton(page, "Resume")).ToBeEnabledAsync();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.CloseAsync();
    }

    private static void StringAssert(string? text, params string[] parts)
    {
        Assert.NotNull(text);
        foreach (string part in parts) Assert.Contains(part, text);
    }
}
