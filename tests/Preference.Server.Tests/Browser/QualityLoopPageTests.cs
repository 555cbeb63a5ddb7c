using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Preference.Core.Domain;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Browser;

public class QualityLoopPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task An_annotator_working_through_gold_tasks_never_sees_a_sign_of_them_on_the_page_or_the_wire()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("mixed", k: 2);
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(3))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/gold", Enumerable.Range(0, 3)
            .Select(i => new { prompt = $"Question g{i}?", completions = new[] { $"Right {i}", $"Wrong {i}" }, ranking = new[] { new[] { 0 }, new[] { 1 } } }))).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { goldRate = 0.5 })).EnsureSuccessStatusCode();

        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        // Every API response passes through here on its way to the page, so the test reads exactly what the page got.
        var bodies = new ConcurrentBag<string>();
        await page.RouteAsync("**/api/**", async route =>
        {
            var response = await route.FetchAsync();
            bodies.Add(await response.TextAsync());
            await route.FulfillAsync(new RouteFulfillOptions { Response = response });
        });
        await page.GotoAsync($"/#/annotate/{campaign}");
        for (int task = 0; task < 6; task++)
        {
            var cards = page.Locator("article.response");
            await Expects.CountAsync(cards, 2);
            var html = await page.Locator("#app").InnerHTMLAsync();
            Assert.DoesNotContain("gold", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"{5 - task + 1} left", await page.Locator(".toolbar").InnerTextAsync());
            await page.Keyboard.PressAsync("1");
            await page.Keyboard.PressAsync("2");
            await page.Keyboard.PressAsync("Enter");
            if (task < 5) await Expects.VisibleAsync(page.GetByText($"{task + 1} done"));
        }
        await Expects.VisibleAsync(page.GetByText("All done"));
        Assert.NotEmpty(bodies);
        Assert.Contains(bodies, body => body.Contains("Question g")); // the gold tasks did pass through
        Assert.All(bodies, body => Assert.DoesNotContain("gold", body, StringComparison.OrdinalIgnoreCase));
        var quality = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/quality"))!.Single();
        Assert.Equal(3, quality.GetProperty("goldTasks").GetInt32());
    }

    [Fact]
    public async Task A_judges_suggestion_is_shown_labelled_with_its_judge_and_enter_accepts_it()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("suggested", k: 2, overlap: 2);
        await admin.ImportAsync(campaign, """{"prompt": "Capital of France?", "completions": ["Paris", "Lyon"]}""");
        using var judge = server.Client(await server.CreateAnnotatorAsync("keyword judge", AnnotatorKind.Judge));
        (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { suggestionJudgeId = "keyword-judge", suggestionHoldout = 0 })).EnsureSuccessStatusCode();
        var offer = (await judge.NextAsync(campaign))!.Value;
        var byText = offer.GetProperty("completions").EnumerateArray().ToDictionary(c => c.GetProperty("text").GetString()!, c => c.GetProperty("id").GetString()!);
        (await judge.SubmitAsync(campaign, offer.GetProperty("taskId").GetString()!, [[byText["Lyon"]], [byText["Paris"]]])).EnsureSuccessStatusCode();

        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("alice"));
        await page.GotoAsync($"/#/annotate/{campaign}");
        var banner = page.Locator(".suggestion");
        await Expects.VisibleAsync(banner);
        Assert.Contains("AI suggestion", await banner.InnerTextAsync());
        Assert.Contains("keyword judge", await banner.InnerTextAsync());
        var lyon = page.Locator("article.response", new PageLocatorOptions { HasText = "Lyon" });
        Assert.Equal("1", await lyon.Locator(".rank").GetAttributeAsync("data-rank"));
        await page.Keyboard.PressAsync("Enter");
        await Expects.VisibleAsync(page.GetByText("All done"));

        // Stored rankings are in the store's ids (each annotator saw its own): accepting the suggestion stored the judge's ranking.
        var annotations = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/annotations"))!;
        var stored = annotations.Single(a => a.GetProperty("annotatorId").GetString() == "alice");
        var judged = annotations.Single(a => a.GetProperty("annotatorId").GetString() == "keyword-judge");
        Assert.Equal(judged.GetProperty("ranking").GetRawText(), stored.GetProperty("ranking").GetRawText());
    }

    [Fact]
    public async Task A_reviewer_adjudicates_with_keys_alone()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("disputed", overlap: 2);
        await admin.ImportAsync(campaign, """
            {"prompt": "Which is a fruit?", "completions": ["apple", "brick"]}
            {"prompt": "Which is a colour?", "completions": ["teal", "table"]}
            """);
        (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { reviewThreshold = 0.5 })).EnsureSuccessStatusCode();
        foreach (var (name, contrary) in new[] { ("alice", false), ("bob", true) })
        {
            using var client = server.Client(await server.CreateAnnotatorAsync(name));
            while (await client.NextAsync(campaign) is { } task)
            {
                var ids = task.GetProperty("completions").EnumerateArray().OrderBy(c => c.GetProperty("text").GetString() is "apple" or "teal" ? 0 : 1)
                    .Select(c => c.GetProperty("id").GetString()!).ToArray();
                if (contrary) Array.Reverse(ids);
                (await client.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, ids.Select(id => new[] { id }).ToArray())).EnsureSuccessStatusCode();
            }
        }

        var page = await chromium.SignedInPageAsync(server, await server.CreateAnnotatorAsync("rita", role: AnnotatorRole.Reviewer));
        await page.GotoAsync($"/#/review/{campaign}");
        var rankings = page.Locator(".review-rankings li");
        await Expects.CountAsync(rankings, 2);
        // First task: accept alice's ranking, with a note.
        var aliceIndex = (await rankings.AllInnerTextsAsync()).ToList().FindIndex(t => t.Contains("alice"));
        await page.Keyboard.PressAsync((aliceIndex + 1).ToString());
        await page.Keyboard.PressAsync("n");
        await page.Keyboard.TypeAsync("alice is right");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Enter");
        await Expects.VisibleAsync(page.GetByText("Decided: accept."));
        // Second task: write my own ranking (second response first), then submit.
        await page.Keyboard.PressAsync("w");
        await page.Keyboard.PressAsync("2");
        await page.Keyboard.PressAsync("1");
        await page.Keyboard.PressAsync("Enter");
        await Expects.VisibleAsync(page.GetByText("No task waits for review."));

        var reviews = server.Store.Collections.Reviews.All().OrderBy(r => r.ReviewedAt).ToList();
        Assert.Equal(2, reviews.Count);
        Assert.Equal((ReviewDecision.Accept, "alice is right", "rita"), (reviews[0].Decision, reviews[0].Note, reviews[0].ReviewerId));
        Assert.StartsWith(reviews[0].TaskId + ":alice", reviews[0].AcceptedAnnotationId);
        Assert.Equal(ReviewDecision.Own, reviews[1].Decision);
        var ownTask = server.Store.Collections.Tasks.Get(reviews[1].TaskId)!;
        Assert.Equal(ownTask.CompletionIds.Count, reviews[1].Ranking!.ResponseIds.Count());
        Assert.Equal(4, server.Store.Collections.Annotations.Count()); // nothing overwritten
    }
}
