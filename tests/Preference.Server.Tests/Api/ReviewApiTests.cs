using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Preference.Core.Domain;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

public class ReviewApiTests
{
    /// <summary>
    /// Two tasks ranked by alice and bob: they agree on "agree?" (a over b) and reverse each other on "split?".
    /// Review is on at a threshold of 0.5.
    /// </summary>
    private static async Task<(TestServer Server, string Campaign)> DisagreementAsync()
    {
        var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("review", overlap: 2);
        await admin.ImportAsync(campaign, """
            {"prompt": "agree?", "completions": ["a", "b"]}
            {"prompt": "split?", "completions": ["a", "b"]}
            """);
        (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { reviewThreshold = 0.5 })).EnsureSuccessStatusCode();
        foreach (var name in new[] { "alice", "bob" })
        {
            using var client = server.Client(await server.CreateAnnotatorAsync(name));
            while (await client.NextAsync(campaign) is { } task)
            {
                var byText = task.GetProperty("completions").EnumerateArray().ToDictionary(c => c.GetProperty("text").GetString()!, c => c.GetProperty("id").GetString()!);
                bool reverse = name == "bob" && task.GetProperty("prompt").GetProperty("text").GetString() == "split?";
                string[][] ranking = reverse ? [[byText["b"]], [byText["a"]]] : [[byText["a"]], [byText["b"]]];
                (await client.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, ranking)).EnsureSuccessStatusCode();
            }
        }
        return (server, campaign);
    }

    private static string TaskOf(TestServer server, string campaign, string prompt)
    {
        var promptId = server.Store.Collections.Prompts.All().Single(p => p.Text == prompt).Id;
        return server.Store.Collections.Tasks.FindBy("campaignId", campaign).Single(t => t.PromptId == promptId).Id;
    }

    [Fact]
    public async Task Only_the_disagreed_task_waits_for_review_and_annotators_cannot_reach_the_queue()
    {
        var (server, campaign) = await DisagreementAsync();
        await using var _ = server;
        using var reviewer = server.Client(await server.CreateAnnotatorAsync("rita", role: AnnotatorRole.Reviewer));
        var pending = (await reviewer.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/reviews"))!;
        var only = Assert.Single(pending);
        Assert.Equal(TaskOf(server, campaign, "split?"), only.GetProperty("taskId").GetString());
        Assert.Equal(1.0, only.GetProperty("disagreement").GetDouble());
        Assert.Equal(2, only.GetProperty("rankings").GetArrayLength());

        using var annotator = server.Client(await server.CreateAnnotatorAsync("carol"));
        Assert.Equal(HttpStatusCode.Forbidden, (await annotator.GetAsync($"/api/campaigns/{campaign}/reviews")).StatusCode);
        var sneaky = await annotator.PostAsJsonAsync($"/api/campaigns/{campaign}/reviews", new { taskId = only.GetProperty("taskId").GetString(), decision = "discard" });
        Assert.Equal(HttpStatusCode.Forbidden, sneaky.StatusCode);
        Assert.Equal(0, server.Store.Collections.Reviews.Count());
        // A reviewer is not an admin either.
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync($"/api/campaigns/{campaign}/export")).StatusCode);
    }

    [Fact]
    public async Task Bad_reviews_are_refused_naming_the_field_and_nothing_is_stored()
    {
        var (server, campaign) = await DisagreementAsync();
        await using var _ = server;
        using var reviewer = server.Client(await server.CreateAnnotatorAsync("rita", role: AnnotatorRole.Reviewer));
        var split = TaskOf(server, campaign, "split?");
        var agreed = TaskOf(server, campaign, "agree?");
        var ids = server.Store.Collections.Tasks.Get(split)!.CompletionIds;

        async Task<string> FieldOf(object body)
        {
            var response = await reviewer.PostAsJsonAsync($"/api/campaigns/{campaign}/reviews", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.ProblemAsync()).GetProperty("errors").EnumerateObject().Single().Name;
        }

        Assert.Equal("taskId", await FieldOf(new { taskId = agreed, decision = "discard" }));
        Assert.Equal("ranking", await FieldOf(new { taskId = split, decision = "own", ranking = new[] { new[] { ids[0] } } }));
        Assert.Equal("ranking", await FieldOf(new { taskId = split, decision = "own", ranking = new[] { new[] { ids[0] }, new[] { "nope" } } }));
        Assert.Equal("annotationId", await FieldOf(new { taskId = split, decision = "accept", annotationId = "nope" }));
        Assert.Equal("decision", await FieldOf(new { taskId = split, decision = "maybe" }));
        Assert.Equal(0, server.Store.Collections.Reviews.Count());
    }

    [Fact]
    public async Task The_export_uses_the_reviewers_ranking_and_the_raw_annotations_stay()
    {
        var (server, campaign) = await DisagreementAsync();
        await using var _ = server;
        using var admin = server.Client();
        using var reviewer = server.Client(await server.CreateAnnotatorAsync("rita", role: AnnotatorRole.Reviewer));
        var split = TaskOf(server, campaign, "split?");
        var before = await admin.GetStringAsync($"/api/campaigns/{campaign}/annotations");
        // Split 1-1, the majority export has no pair for it.
        Assert.DoesNotContain("split?", await admin.GetStringAsync($"/api/campaigns/{campaign}/export"));

        var bText = server.Store.Collections.Tasks.Get(split)!.CompletionIds.Single(id => server.Store.Collections.Completions.Get(id)!.Text == "b");
        var aText = server.Store.Collections.Tasks.Get(split)!.CompletionIds.Single(id => id != bText);
        var decided = await reviewer.PostAsJsonAsync($"/api/campaigns/{campaign}/reviews",
            new { taskId = split, decision = "own", ranking = new[] { new[] { bText }, new[] { aText } }, note = "b cites its source" });
        Assert.Equal(HttpStatusCode.Created, decided.StatusCode);
        var again = await reviewer.PostAsJsonAsync($"/api/campaigns/{campaign}/reviews", new { taskId = split, decision = "discard" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var rows = (await admin.GetStringAsync($"/api/campaigns/{campaign}/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var adjudicated = rows.Single(r => r.GetProperty("prompt").GetString() == "split?");
        Assert.Equal(("b", "a"), (adjudicated.GetProperty("chosen").GetString(), adjudicated.GetProperty("rejected").GetString()));
        Assert.Equal(before, await admin.GetStringAsync($"/api/campaigns/{campaign}/annotations"));
        Assert.Empty((await reviewer.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/reviews"))!);
        var shown = await reviewer.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/reviews/{split}");
        Assert.Equal("b cites its source", shown.GetProperty("decision").GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_discarded_task_leaves_the_export()
    {
        var (server, campaign) = await DisagreementAsync();
        await using var _ = server;
        using var admin = server.Client();
        (await (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { reviewThreshold = 0.0 })).Content.ReadAsStringAsync()).ToString();
        var agreed = TaskOf(server, campaign, "agree?");
        // At threshold 0 the agreed task does not need review either (its disagreement is 0, not above 0).
        var refused = await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/reviews", new { taskId = agreed, decision = "discard" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var discarded = await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/reviews", new { taskId = TaskOf(server, campaign, "split?"), decision = "discard", note = "ambiguous" });
        Assert.Equal(HttpStatusCode.Created, discarded.StatusCode);
        var export = await admin.GetStringAsync($"/api/campaigns/{campaign}/export?aggregate=bradleyTerry");
        Assert.DoesNotContain("split?", export);
        Assert.Contains("agree?", export);
    }

    [Fact]
    public async Task Quality_weighting_lets_the_annotator_who_matches_gold_outvote_two_who_do_not()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("weighted", overlap: 3);
        await admin.ImportAsync(campaign, """{"prompt": "contested?", "completions": ["x", "y"]}""");
        (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/gold",
            Enumerable.Range(0, 4).Select(i => new { prompt = $"gold {i}?", completions = new[] { "right", "wrong" }, ranking = new[] { new[] { 0 }, new[] { 1 } } }))).EnsureSuccessStatusCode();
        foreach (var (name, good) in new[] { ("alice", false), ("bob", false), ("carol", true) })
        {
            using var client = server.Client(await server.CreateAnnotatorAsync(name));
            while (await client.NextAsync(campaign) is { } task)
            {
                var byText = task.GetProperty("completions").EnumerateArray().ToDictionary(c => c.GetProperty("text").GetString()!, c => c.GetProperty("id").GetString()!);
                string[] order = byText.ContainsKey("right") ? (good ? ["right", "wrong"] : ["wrong", "right"]) : (good ? ["y", "x"] : ["x", "y"]);
                (await client.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, order.Select(t => new[] { byText[t] }).ToArray())).EnsureSuccessStatusCode();
            }
        }
        JsonElement Contested(string export) => export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Single(r => r.GetProperty("prompt").GetString() == "contested?");
        Assert.Equal("x", Contested(await admin.GetStringAsync($"/api/campaigns/{campaign}/export")).GetProperty("chosen").GetString());
        Assert.Equal("y", Contested(await admin.GetStringAsync($"/api/campaigns/{campaign}/export?weighting=quality")).GetProperty("chosen").GetString());
        var bad = await admin.GetAsync($"/api/campaigns/{campaign}/export?weighting=loudest");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.ProblemAsync()).GetProperty("errors").TryGetProperty("weighting", out _));
    }
}
