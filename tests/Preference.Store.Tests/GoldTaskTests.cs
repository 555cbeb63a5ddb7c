using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Errors;
using Preference.Store.Queue;

namespace Preference.Store.Tests;

public class GoldTaskTests
{
    private static async Task<(TestStore Test, CampaignQueue Queue, List<string> TaskIds)> CampaignAsync(int tasks, double goldRate, int overlap = 1)
    {
        var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(tasks, overlap: overlap);
        await test.Store.Campaigns.UpdateSettingsAsync(campaign.Id, c => c with { GoldRate = goldRate });
        var ids = test.Store.Collections.Tasks.FindBy("campaignId", campaign.Id).OrderBy(t => t.Sequence).Select(t => t.Id).ToList();
        return (test, test.Store.Campaigns.Get(campaign.Id), ids);
    }

    private static Ranking TaskOrder(TestStore test, string taskId) =>
        Ranking.Strict(test.Store.Collections.Tasks.Get(taskId)!.CompletionIds.ToArray());

    [Fact]
    public async Task Every_annotator_gets_each_gold_task_once_mixed_among_the_others()
    {
        var (test, queue, ids) = await CampaignAsync(tasks: 40, goldRate: 0.3, overlap: 2);
        using var _ = test;
        var goldIds = ids.Take(4).ToList();
        foreach (var id in goldIds) await queue.MarkGoldAsync(id, TaskOrder(test, id), "admin");
        foreach (var name in new[] { "alice", "bob" })
        {
            var annotator = await test.AnnotatorAsync(name);
            var served = new List<string>();
            while (await queue.NextAsync(annotator.Id) is { } offer)
            {
                served.Add(offer.TaskId);
                await queue.SubmitAsync(annotator, TestStore.RankAsShown(offer));
            }
            Assert.Equal(goldIds.Order(), served.Where(goldIds.Contains).Order());
            Assert.Equal(served.Count, served.Distinct().Count());
            // Mixed in: the first gold task comes before the ordinary tasks run out (0.3 rate over 36 tasks).
            Assert.True(served.FindIndex(goldIds.Contains) < served.Count - goldIds.Count);
        }
        // Gold tasks are not campaign tasks to finish: progress counts the 36 ordinary ones, each done by both.
        Assert.Equal((36, 36), (queue.Progress().Tasks, queue.Progress().TasksDone));
        Assert.Equal(2 * 36 + 2 * 4, queue.Progress().Annotations);
    }

    [Fact]
    public async Task Remaining_counts_a_gold_task_like_any_other()
    {
        var (test, queue, ids) = await CampaignAsync(tasks: 6, goldRate: 0.5);
        using var _ = test;
        await queue.MarkGoldAsync(ids[0], TaskOrder(test, ids[0]), "admin");
        var alice = await test.AnnotatorAsync("alice");
        int before = queue.RemainingFor(alice.Id);
        Assert.Equal(6, before);
        while (await queue.NextAsync(alice.Id) is { } offer)
        {
            await queue.SubmitAsync(alice, TestStore.RankAsShown(offer));
            Assert.Equal(--before, queue.RemainingFor(alice.Id));
        }
        Assert.Equal(0, before);
    }

    [Fact]
    public async Task A_gold_ranking_of_the_wrong_size_or_with_unknown_ids_is_refused_and_nothing_is_stored()
    {
        var (test, queue, ids) = await CampaignAsync(tasks: 2, goldRate: 0.5);
        using var _ = test;
        var shown = test.Store.Collections.Tasks.Get(ids[0])!.CompletionIds;
        var tooShort = await Assert.ThrowsAsync<StoreValidationException>(() => queue.MarkGoldAsync(ids[0], Ranking.Strict(shown[0]), "admin"));
        Assert.Equal("ranking", tooShort.Field);
        var unknown = await Assert.ThrowsAsync<StoreValidationException>(() => queue.MarkGoldAsync(ids[0], Ranking.Strict(shown[0], "nope"), "admin"));
        Assert.Equal("ranking", unknown.Field);
        Assert.Equal(0, test.Store.Collections.Gold.Count());
        Assert.Empty(queue.GoldRankings());
    }

    [Fact]
    public async Task A_task_someone_already_ranked_cannot_become_gold()
    {
        var (test, queue, ids) = await CampaignAsync(tasks: 1, goldRate: 0, overlap: 2);
        using var _ = test;
        var alice = await test.AnnotatorAsync("alice");
        var offer = (await queue.NextAsync(alice.Id))!;
        await queue.SubmitAsync(alice, TestStore.RankAsShown(offer));
        await Assert.ThrowsAsync<StoreConflictException>(() => queue.MarkGoldAsync(ids[0], TaskOrder(test, ids[0]), "admin"));
    }

    [Fact]
    public async Task Gold_tasks_and_their_annotations_survive_a_restart()
    {
        var (test, queue, ids) = await CampaignAsync(tasks: 3, goldRate: 1);
        using var _ = test;
        await queue.MarkGoldAsync(ids[2], TaskOrder(test, ids[2]), "admin");
        var alice = await test.AnnotatorAsync("alice");
        var first = (await queue.NextAsync(alice.Id))!;
        Assert.Equal(ids[2], first.TaskId); // rate 1: the gold task comes first
        await queue.SubmitAsync(alice, TestStore.RankAsShown(first));

        var reopened = test.Reopen().Campaigns.Get(queue.Campaign.Id);
        Assert.Equal(1.0, reopened.Campaign.GoldRate);
        Assert.Equal(ids[2], Assert.Single(reopened.GoldRankings()).Key);
        var served = new List<string>();
        while (await reopened.NextAsync(alice.Id) is { } offer)
        {
            served.Add(offer.TaskId);
            await reopened.SubmitAsync(alice, TestStore.RankAsShown(offer));
        }
        Assert.Equal([ids[0], ids[1]], served);
    }

    [Fact]
    public async Task A_gold_import_stores_tasks_and_their_rankings_together()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(0, k: 3);
        var item = new Core.Datasets.ImportItem
        {
            PromptText = "2+2?",
            Completions = [new() { Text = "5" }, new() { Text = "4" }, new() { Text = "four" }],
        };
        await test.Store.Campaigns.ImportAsync(campaign.Id, [item], "gold", goldRankings: [[[1, 2], [0]]], importedBy: "admin");
        var gold = Assert.Single(test.Store.Campaigns.Get(campaign.Id).GoldRankings().Values);
        var texts = gold.Ranking.Tiers.Select(t => t.Select(id => test.Store.Collections.Completions.Get(id)!.Text).Order().ToList()).ToList();
        Assert.Equal([["4", "four"], ["5"]], texts);
        Assert.Equal(0, test.Store.Campaigns.Get(campaign.Id).Progress().Tasks);
    }

    [Fact]
    public async Task A_gold_tasks_content_is_read_once_and_kept_however_many_annotators_rank_it()
    {
        var (test, queue, ids) = await CampaignAsync(tasks: 1, goldRate: 1);
        using var _ = test;
        await queue.MarkGoldAsync(ids[0], TaskOrder(test, ids[0]), "admin");
        var first = await test.AnnotatorAsync("first");
        var offer = (await queue.NextAsync(first.Id))!;
        await queue.SubmitAsync(first, TestStore.RankAsShown(offer));
        // After a restart the task is past its overlap of 1 when its content is first read again.
        var reopened = test.Reopen().Campaigns.Get(queue.Campaign.Id);
        var second = await test.AnnotatorAsync("second");
        await reopened.SubmitAsync(second, TestStore.RankAsShown((await reopened.NextAsync(second.Id))!));
        // Were the content not kept, the next offers would read the (now missing) prompt again.
        await test.Store.Writer.WriteAsync(() => test.Store.Collections.Prompts.Delete(offer.Prompt.Id));
        for (int i = 0; i < 3; i++)
        {
            var annotator = await test.AnnotatorAsync($"annotator {i}");
            var again = (await reopened.NextAsync(annotator.Id))!;
            Assert.Equal(offer.Prompt.Text, again.Prompt.Text);
            await reopened.SubmitAsync(annotator, TestStore.RankAsShown(again));
        }
    }

    [Fact]
    public void Gold_index_rankings_name_what_is_wrong()
    {
        Assert.Null(QualitySettingsRules.GoldIndices([[1], [0]], 2));
        Assert.Contains("rank every one", QualitySettingsRules.GoldIndices([[0]], 2));
        Assert.Contains("not one of", QualitySettingsRules.GoldIndices([[0], [2]], 2));
        Assert.Contains("more than once", QualitySettingsRules.GoldIndices([[0], [0]], 2));
    }
}
