using System.Text.Json;
using Microsoft.Playwright;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Browser;

/// <summary>The UI works under the server's Content-Security-Policy, and model output cannot reach outside the page.</summary>
public class PageSecurityTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>Console errors the browser reports for a blocked script, style, image or connection.</summary>
    private static List<string> RecordCspViolations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text);
        };
        return violations;
    }

    [Fact]
    public async Task A_remote_markdown_image_is_never_fetched_and_raw_html_shows_as_text()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("leaks");
        var jsonl = JsonSerializer.Serialize(new
        {
            prompt = "Describe a cat",
            completions = new[] { "A cat: ![cat](http://tracker.invalid/pixel.png?who=me) <b>bold claim</b>", "A cat is a small mammal." },
        });
        (await admin.ImportAsync(campaign, jsonl)).EnsureSuccessStatusCode();
        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)) elsewhere.Add(request.Url);
        };
        var violations = RecordCspViolations(page);

        await page.GotoAsync($"/#/annotate/{campaign}");
        var card = page.Locator("article.response", new() { HasText = "A cat:" });
        await Expects.VisibleAsync(card);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Empty(elsewhere);
        Assert.Equal(0, await page.Locator("article.response img, article.response b").CountAsync());
        var text = await card.InnerTextAsync();
        Assert.Contains("<b>bold claim</b>", text);
        Assert.Contains("![cat](http://tracker.invalid/pixel.png?who=me)", text);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task The_pages_load_and_the_hub_connects_over_websockets_without_a_policy_violation()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("csp");
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(2))).EnsureSuccessStatusCode();
        var page = await chromium.SignedInPageAsync(server, TestServer.AdminToken);
        var violations = RecordCspViolations(page);
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);

        var document = await page.GotoAsync($"/#/admin/campaigns/{campaign}");
        Assert.Contains("frame-ancestors 'none'", (await document!.AllHeadersAsync())["content-security-policy"]);
        await Expects.VisibleAsync(page.GetByText("0 of 2 tasks done"));
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var task = (await alice.NextAsync(campaign))!.Value;
        (await alice.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[.. task.ShownIds()]])).EnsureSuccessStatusCode();
        await Expects.VisibleAsync(page.GetByText("1 of 2 tasks done"));

        await page.GotoAsync($"/#/annotate/{campaign}");
        await Expects.CountAsync(page.Locator("article.response"), 2);
        await page.GotoAsync("/#/training");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Contains(sockets, url => url.Contains("/hubs/progress"));
        Assert.Empty(violations);
    }
}
