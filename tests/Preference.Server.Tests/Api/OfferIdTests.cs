using System.Net.Http.Json;
using System.Text.Json;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

/// <summary>
/// Datasets list the preferred answer first, and stored completion ids sort in import order; the ids an annotator
/// sees must not carry that order, or the shuffle is undone by sorting ids.
/// </summary>
public class OfferIdTests
{
    [Fact]
    public async Task The_first_imported_answer_cannot_be_picked_out_by_its_offered_id()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("order", k: 2);
        const int tasks = 24;
        var jsonl = string.Join("\n", Enumerable.Range(0, tasks).Select(i =>
            JsonSerializer.Serialize(new { prompt = $"q{i}", completions = new[] { $"chosen {i}", $"rejected {i}" } })));
        (await admin.ImportAsync(campaign, jsonl)).EnsureSuccessStatusCode();
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));

        int lowestIdIsChosen = 0, seen = 0;
        var stored = server.Store.Collections.Completions.All().Select(c => c.Id).ToHashSet();
        while (await alice.NextAsync(campaign) is { } task)
        {
            var completions = task.GetProperty("completions").EnumerateArray()
                .Select(c => (Id: c.GetProperty("id").GetString()!, Text: c.GetProperty("text").GetString()!)).ToList();
            Assert.DoesNotContain(completions, c => stored.Contains(c.Id));
            if (completions.MinBy(c => c.Id, StringComparer.Ordinal).Text.StartsWith("chosen")) lowestIdIsChosen++;
            seen++;
            (await alice.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[.. task.ShownIds()]])).EnsureSuccessStatusCode();
        }
        Assert.Equal(tasks, seen);
        // Unrelated ids pick the chosen answer about half the time; all 24 (or none) by chance is odds of 2^-23.
        Assert.InRange(lowestIdIsChosen, 1, tasks - 1);
    }

    [Fact]
    public async Task A_ranking_in_offered_ids_is_stored_in_completion_ids_and_read_back_in_offered_ids()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Client();
        var campaign = await admin.CreateCampaignAsync("map");
        (await admin.ImportAsync(campaign, """{"prompt": "2+2?", "completions": ["4", "5"]}""")).EnsureSuccessStatusCode();
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var task = (await alice.NextAsync(campaign))!.Value;
        var four = task.GetProperty("completions").EnumerateArray().Single(c => c.GetProperty("text").GetString() == "4").GetProperty("id").GetString()!;
        var five = task.ShownIds().Single(id => id != four);
        var submitted = await alice.SubmitAsync(campaign, task.GetProperty("taskId").GetString()!, [[four], [five]]);
        Assert.Equal(four, (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ranking")[0][0].GetString());
        Assert.Equal(four, (await alice.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/annotations/last")).GetProperty("ranking")[0][0].GetString());

        var stored = Assert.Single(server.Store.Collections.Annotations.All());
        Assert.Equal("4", server.Store.Collections.Completions.Get(stored.Ranking.Tiers[0][0])!.Text);
        // The annotator reads their submission back in the ids they were offered, in the order shown.
        Assert.Equal(task.ShownIds(), (await alice.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/annotations/last")).GetProperty("shownOrder").EnumerateArray().Select(e => e.GetString()));
    }
}
