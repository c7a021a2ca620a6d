using System.Text.RegularExpressions;

namespace Vigil.Server.Tests;

/// <summary>The web dashboard (web/, built into wwwroot by the server build) is served at / without hiding the API.</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task Root_serves_the_app_and_its_hashed_assets_with_their_content_types()
    {
        await using var harness = await ServerHarness.StartAsync();
        HttpResponseMessage page = await harness.Http.GetAsync("/");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<div id=\"root\">", html);

        Match script = Regex.Match(html, "src=\"(/assets/index-[A-Za-z0-9_-]+\\.js)\"");
        Assert.True(script.Success, "index.html names no hashed script: " + html);
        HttpResponseMessage js = await harness.Http.GetAsync(script.Groups[1].Value);
        Assert.Equal(System.Net.HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", js.Headers.CacheControl?.ToString());

        // An app route loads the app; API paths keep their own answers, including 404 for unknown ones.
        Assert.Contains("<div id=\"root\">", await harness.Http.GetStringAsync("/runs/some-run"));
        HttpResponseMessage unknownApi = await harness.Http.GetAsync("/api/no-such-route");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknownApi.StatusCode);
        Assert.NotEqual("text/html", unknownApi.Content.Headers.ContentType?.MediaType);
        Assert.Equal("idle", (await harness.GetJsonAsync("/api/status")).GetProperty("state").GetString());
        Assert.True((await harness.Http.GetAsync("/healthz")).IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await harness.Http.GetAsync("/assets/missing-0000.js")).StatusCode);
    }
}
