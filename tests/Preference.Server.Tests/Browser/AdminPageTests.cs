using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Preference.Core.Domain;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Browser;

public class AdminPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task The_campaign_page_shows_an_annotators_submission_live()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("live page");
        await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(3));
        var page = await chromium.SignedInPageAsync(server, TestServer.AdminToken);
        await page.GotoAsync($"/#/admin/campaigns/{campaign}");
        await Expects.VisibleAsync(page.GetByText("0 of 3 tasks done"));

        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var task = (await alice.NextAsync(campaign))!.Value;
        var ids = task.ShownIds();
        (await alice.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[ids[0]], [ids[1]]])).EnsureSuccessStatusCode();

        // Pushed over the progress hub: no reload.
        await Expects.VisibleAsync(page.GetByText("1 of 3 tasks done"));
        await Expects.VisibleAsync(page.Locator("#progress td", new() { HasText = "alice" }));
    }

    [Fact]
    public async Task The_queue_order_is_chosen_and_saved_with_the_keyboard_alone()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("ordered");
        var page = await chromium.SignedInPageAsync(server, TestServer.AdminToken);
        await page.GotoAsync($"/#/admin/campaigns/{campaign}");
        var order = page.GetByLabel("Queue order");
        await Expects.VisibleAsync(order);

        // Tab from the field before it, arrows pick (import order → random → uncertainty), Tab to Save, Enter.
        await page.GetByLabel("Suggestion holdout").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("queueOrder", await page.EvaluateAsync<string>("document.activeElement.name"));
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expects.VisibleAsync(page.Locator("#quality-settings").GetByText("Saved."));

        var saved = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}");
        Assert.Equal("uncertainty", saved.GetProperty("campaign").GetProperty("queueOrder").GetString());
    }

    [Fact]
    public async Task The_training_dashboard_draws_a_chart_per_metric_and_extends_it_live()
    {
        await using var server = await TestServer.StartAsync();
        using var trainer = server.Client(await server.CreateAnnotatorAsync("ppo", role: AnnotatorRole.Trainer));
        var started = await trainer.PostAsJsonAsync("/api/runs", new { name = "ppo tiny", stage = "ppo" });
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        (await trainer.PostAsJsonAsync($"/api/runs/{runId}/metrics", new { step = 1, values = new Dictionary<string, double> { ["objective/kl"] = 0.1, ["loss/policy_avg"] = 2.0 } })).EnsureSuccessStatusCode();

        var page = await chromium.SignedInPageAsync(server, TestServer.AdminToken);
        await page.GotoAsync($"/#/training/{runId}");
        await Expects.CountAsync(page.Locator(".chart"), 2);

        (await trainer.PostAsJsonAsync($"/api/runs/{runId}/metrics", new { step = 2, values = new Dictionary<string, double> { ["objective/kl"] = 0.2, ["objective/reward"] = 1.5 } })).EnsureSuccessStatusCode();
        await Expects.CountAsync(page.Locator(".chart"), 3);
        await Expects.VisibleAsync(page.Locator(".chart[data-metric='objective/reward']"));
    }

    [Fact]
    public async Task An_annotator_is_not_shown_admin_navigation()
    {
        await using var server = await TestServer.StartAsync();
        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        await page.GotoAsync("/#/");
        await Expects.VisibleAsync(page.GetByText("Hello, alice"));
        Assert.Equal(0, await page.Locator("#nav a[href='#/admin']").CountAsync());
    }
}
