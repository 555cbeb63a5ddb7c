using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Browser;

public class AnnotatorPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Good = "The capital of France is **Paris**.";
    private const string Bad = "It is Lyon.";

    /// <summary>Ranks the card whose text contains <paramref name="best"/> first, using only keys.</summary>
    private static async Task RankWithKeyboardAsync(IPage page, string best)
    {
        var cards = page.Locator("article.response");
        await Expects.CountAsync(cards, 2);
        bool bestFirst = (await cards.Nth(0).InnerTextAsync()).Contains(best);
        await page.Keyboard.PressAsync(bestFirst ? "1" : "2");
        await page.Keyboard.PressAsync(bestFirst ? "2" : "1");
        await page.Keyboard.PressAsync("Enter");
    }

    private static async Task<(TestServer Server, string Campaign)> CampaignAsync(int overlap, string jsonl)
    {
        var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("capitals", overlap: overlap, guidelines: "Prefer **correct** answers.");
        (await admin.ImportAsync(campaign, jsonl)).EnsureSuccessStatusCode();
        return (server, campaign);
    }

    private static string OneTask() => JsonSerializer.Serialize(new { prompt = "What is the capital of France?", completions = new[] { Good, Bad } });

    [Fact]
    public async Task An_annotator_ranks_a_task_with_only_the_keyboard()
    {
        var (server, campaign) = await CampaignAsync(overlap: 1, OneTask());
        await using var _ = server;
        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        await page.GotoAsync($"/#/annotate/{campaign}");
        await RankWithKeyboardAsync(page, "Paris");
        await Expects.VisibleAsync(page.GetByText("All done"));

        using var admin = server.Client();
        var annotations = await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/annotations");
        var stored = Assert.Single(annotations!);
        var bestId = stored.GetProperty("ranking")[0][0].GetString();
        var best = server.Store.Collections.Completions.Get(bestId!)!;
        Assert.Equal(Good, best.Text);
        Assert.True(stored.GetProperty("timeSpentMs").GetInt64() > 0);
    }

    [Fact]
    public async Task A_second_annotators_ranking_closes_the_task_and_the_export_holds_the_pair()
    {
        var (server, campaign) = await CampaignAsync(overlap: 2, OneTask());
        await using var _ = server;
        foreach (var name in new[] { "alice", "bob" })
        {
            var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync(name));
            await page.GotoAsync($"/#/annotate/{campaign}");
            await RankWithKeyboardAsync(page, "Paris");
            await Expects.VisibleAsync(page.GetByText("All done"));
            await page.Context.CloseAsync();
        }
        using var admin = server.Client();
        var progress = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/progress");
        Assert.Equal(1, progress.GetProperty("tasksDone").GetInt32());
        var row = JsonDocument.Parse((await admin.GetStringAsync($"/api/campaigns/{campaign}/export?minAgreement=1")).Trim()).RootElement;
        Assert.Equal((Good, Bad), (row.GetProperty("chosen").GetString(), row.GetProperty("rejected").GetString()));
    }

    [Fact]
    public async Task Script_in_a_completion_never_runs()
    {
        const string attack = "<img src=x onerror=\"window.__xss='img'\"><script>window.__xss='script'</script>" +
                              "[click](javascript:window.__xss='link') <svg onload=\"window.__xss='svg'\"></svg>";
        var jsonl = JsonSerializer.Serialize(new { prompt = "<script>window.__xss='prompt'</script>Hi", completions = new[] { attack, "plain" } });
        var (server, campaign) = await CampaignAsync(overlap: 1, jsonl);
        await using var _ = server;
        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await page.GotoAsync($"/#/annotate/{campaign}");
        await Expects.CountAsync(page.Locator("article.response"), 2);
        var link = page.Locator("article.response a");
        if (await link.CountAsync() > 0) await link.First.ClickAsync();
        await page.WaitForTimeoutAsync(300);

        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        Assert.Equal(0, await page.Locator(".responses script, .prompt script").CountAsync());
        Assert.Equal(0, await page.Locator("[onerror], [onload]").CountAsync());
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task Responses_sit_side_by_side_at_1280_and_stack_on_a_phone()
    {
        var (server, campaign) = await CampaignAsync(overlap: 2, OneTask());
        await using var _ = server;
        var desk = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"), 1280, 720);
        await desk.GotoAsync($"/#/annotate/{campaign}");
        var (a, b) = await BoxesAsync(desk);
        Assert.Equal(a.Y, b.Y, 1);
        Assert.True(b.X > a.X + a.Width - 1);

        var phone = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("bob"), 390, 844);
        await phone.GotoAsync($"/#/annotate/{campaign}");
        var (c, d) = await BoxesAsync(phone);
        Assert.True(d.Y >= c.Y + c.Height - 1);
        Assert.True(c.Width <= 390);
    }

    [Fact]
    public async Task A_reload_keeps_the_same_task_and_the_ranks_already_given()
    {
        var (server, campaign) = await CampaignAsync(overlap: 1, OneTask() + "\n" + OneTask());
        await using var _ = server;
        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        await page.GotoAsync($"/#/annotate/{campaign}");
        await Expects.CountAsync(page.Locator("article.response"), 2);
        var before = await page.Locator("article.response").First.GetAttributeAsync("data-id");
        await page.Keyboard.PressAsync("1");
        await page.ReloadAsync();
        await Expects.CountAsync(page.Locator("article.response"), 2);
        Assert.Equal(before, await page.Locator("article.response").First.GetAttributeAsync("data-id"));
        Assert.Equal("1", await page.Locator("article.response").First.Locator(".rank").GetAttributeAsync("data-rank"));
    }

    [Fact]
    public async Task E_reopens_the_previous_submission_and_enter_saves_the_change()
    {
        var (server, campaign) = await CampaignAsync(overlap: 1, OneTask() + "\n" + OneTask());
        await using var _ = server;
        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        await page.GotoAsync($"/#/annotate/{campaign}");
        await RankWithKeyboardAsync(page, "Paris");
        await Expects.VisibleAsync(page.GetByText("Saved."));

        await page.Keyboard.PressAsync("e");
        await Expects.VisibleAsync(page.GetByText("Editing your previous ranking"));
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("t"); // the other response joins the last rank given: a tie
        await page.Keyboard.PressAsync("Enter");
        await Expects.VisibleAsync(page.GetByText("Edited."));

        using var admin = server.Client();
        var stored = Assert.Single((await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/annotations"))!);
        Assert.Equal(1, stored.GetProperty("ranking").GetArrayLength());
        Assert.True(stored.TryGetProperty("editedAt", out var editedAt) && editedAt.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Tab_reaches_the_toolbar_and_the_rationale_box_and_typing_there_ranks_nothing()
    {
        var (server, campaign) = await CampaignAsync(overlap: 1, OneTask());
        await using var _ = server;
        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        await page.GotoAsync($"/#/annotate/{campaign}");
        await Expects.CountAsync(page.Locator("article.response"), 2);

        var visited = new List<string>();
        for (int i = 0; i < 30 && !visited.Contains("TEXTAREA#rationale"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            visited.Add(await page.EvaluateAsync<string>("() => document.activeElement.tagName + (document.activeElement.id ? '#' + document.activeElement.id : '')"));
        }
        Assert.Contains("BUTTON", visited);
        Assert.Contains("TEXTAREA#rationale", visited);

        await page.Keyboard.TypeAsync("1 2 clearer");
        Assert.Equal("1 2 clearer", await page.Locator("#rationale").InputValueAsync());
        Assert.Equal(0, await page.Locator("article.response .rank[data-rank='1']").CountAsync());
    }

    private static async Task<(LocatorBoundingBoxResult, LocatorBoundingBoxResult)> BoxesAsync(IPage page)
    {
        var cards = page.Locator("article.response");
        await Expects.CountAsync(cards, 2);
        return ((await cards.Nth(0).BoundingBoxAsync())!, (await cards.Nth(1).BoundingBoxAsync())!);
    }
}
