using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Preference.Core.Domain;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

public class SuggestionApiTests
{
    [Fact]
    public async Task Suggestions_carry_the_judge_and_time_and_the_anchoring_report_compares_both_halves()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("suggested", overlap: 2);
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(60))).EnsureSuccessStatusCode();
        using var judge = server.Client(await server.CreateAnnotatorAsync("rule judge", AnnotatorKind.Judge));
        var notAJudge = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { suggestionJudgeId = "admin" });
        Assert.Equal(HttpStatusCode.BadRequest, notAJudge.StatusCode);
        Assert.True((await notAJudge.ProblemAsync()).GetProperty("errors").TryGetProperty("suggestionJudgeId", out _));
        var badShare = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { suggestionJudgeId = "rule-judge", suggestionHoldout = 1.5 });
        Assert.True((await badShare.ProblemAsync()).GetProperty("errors").TryGetProperty("suggestionHoldout", out _));
        (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { suggestionJudgeId = "rule-judge", suggestionHoldout = 0.5 })).EnsureSuccessStatusCode();

        while (await judge.NextAsync(campaign) is { } task)
        {
            var ids = IdsInTextOrder(task);
            (await judge.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[ids[0]], [ids[1]]])).EnsureSuccessStatusCode();
        }

        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        int shown = 0;
        while (await alice.NextAsync(campaign) is { } task)
        {
            var taskId = task.GetProperty("taskId").GetString()!;
            if (task.TryGetProperty("suggestion", out var suggestion))
            {
                shown++;
                Assert.Equal(("rule-judge", "rule judge"), (suggestion.GetProperty("judgeId").GetString(), suggestion.GetProperty("judgeName").GetString()));
                Assert.True(suggestion.GetProperty("rankedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
                // Alice accepts every suggestion...
                (await alice.PostAsJsonAsync($"/api/campaigns/{campaign}/annotations", new { taskId, ranking = suggestion.GetProperty("ranking") })).EnsureSuccessStatusCode();
            }
            else
            {
                // ...and without one ranks the other way round from the judge.
                var ids = IdsInTextOrder(task);
                (await alice.SubmitAsync(campaign, taskId, [[ids[1]], [ids[0]]])).EnsureSuccessStatusCode();
            }
        }
        var report = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/anchoring");
        Assert.Equal(shown, report.GetProperty("shown").GetProperty("rankings").GetInt32());
        Assert.Equal(60 - shown, report.GetProperty("withheld").GetProperty("rankings").GetInt32());
        Assert.Equal(1.0, report.GetProperty("shown").GetProperty("pairAgreement").GetDouble());
        Assert.Equal(0.0, report.GetProperty("withheld").GetProperty("pairAgreement").GetDouble());
        Assert.Equal(1.0, report.GetProperty("anchoringGap").GetDouble());

        var quality = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/quality"))!.Single(r => r.GetProperty("annotatorId").GetString() == "alice");
        Assert.Equal(shown / 60.0, quality.GetProperty("judgeAgreement").GetProperty("rule-judge").GetDouble(), 9);
    }

    [Fact]
    public async Task Agreement_over_time_gives_alpha_and_kappa_with_intervals_per_bucket()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("series", overlap: 2, k: 3);
        (await admin.ImportAsync(campaign, Infrastructure.Api.PromptCompletionsJsonl(30, k: 3))).EnsureSuccessStatusCode();
        foreach (var name in new[] { "alice", "bob" })
        {
            using var client = server.Client(await server.CreateAnnotatorAsync(name));
            int n = 0;
            while (await client.NextAsync(campaign) is { } task)
            {
                var ids = task.ShownIds().Order(StringComparer.Ordinal).ToArray();
                // Bob disagrees on every third task.
                if (name == "bob" && n++ % 3 == 0) Array.Reverse(ids);
                (await client.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, ids.Select(id => new[] { id }).ToArray())).EnsureSuccessStatusCode();
            }
        }
        var points = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/agreement/series?buckets=3"))!;
        Assert.InRange(points.Length, 1, 3);
        Assert.Equal(30, points.Sum(p => p.GetProperty("tasks").GetInt32()));
        foreach (var p in points)
        {
            double alpha = p.GetProperty("krippendorffAlpha").GetDouble();
            Assert.InRange(alpha, p.GetProperty("alphaLow").GetDouble(), p.GetProperty("alphaHigh").GetDouble());
            Assert.InRange(p.GetProperty("fleissKappa").GetDouble(), -1, 1);
        }
        var bad = await admin.GetAsync($"/api/campaigns/{campaign}/agreement/series?buckets=0");
        Assert.True((await bad.ProblemAsync()).GetProperty("errors").TryGetProperty("buckets", out _));
    }

    // Each annotator sees its own ids for the same responses, so "the same order" is an order of texts.
    static string[] IdsInTextOrder(JsonElement task) =>
        task.GetProperty("completions").EnumerateArray()
            .OrderBy(c => c.GetProperty("text").GetString(), StringComparer.Ordinal)
            .Select(c => c.GetProperty("id").GetString()!).ToArray();
}
