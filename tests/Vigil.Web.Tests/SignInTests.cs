using Microsoft.Playwright;

namespace Vigil.Web.Tests;

/// <summary>The dashboard of a server that needs its token: asks for it, refuses a wrong one, then shows the live run.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInTests(TokenServerBrowserFixture fixture) : IClassFixture<TokenServerBrowserFixture>
{
    [Fact]
    public async Task The_dashboard_asks_for_the_token_and_then_streams_the_run()
    {
        var (page, errors) = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Server.Url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Vigil: sign in" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("[data-testid=connection]").CountAsync()); // nothing of the run before signing in

        ILocator token = page.GetByLabel("Access token");
        await token.FillAsync("not-the-token");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not this server's MONITORING_TOKEN");
        Directory.CreateDirectory(BrowserFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "sign-in.png") });

        await token.FillAsync(TokenServerBrowserFixture.Token);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=connection][data-state=live]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForSelectorAsync("[data-testid=run-state][data-state=running]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "signed-in.png") });
        // The session is a cookie the page's scripts cannot read, and it is not the token.
        Assert.DoesNotContain(TokenServerBrowserFixture.Token, await page.EvaluateAsync<string>("() => document.cookie + JSON.stringify(localStorage)"));
        IReadOnlyList<BrowserContextCookiesResult> cookies = await fixture.Browser.CookiesAsync(fixture.Server.Url.ToString());
        BrowserContextCookiesResult session = Assert.Single(cookies, c => c.Name == "vigil_session");
        Assert.True(session.HttpOnly);
        Assert.DoesNotContain(TokenServerBrowserFixture.Token, session.Value);
        // The only console errors are the browser's notes on the 401 answers before signing in.
        Assert.True(errors.All(e => e.Contains("401", StringComparison.Ordinal)), string.Join("\n", errors));
        await page.CloseAsync();
    }
}
