using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Errors;
using Preference.Store.Queue;

namespace Preference.Store.Tests;

/// <summary>Campaigns serve open tasks in their queue order, read from uploaded reward-model scores.</summary>
public class QueueOrderTests
{
    /// <summary>A fresh store with one campaign of <paramref name="count"/> tasks served in <paramref name="order"/>.</summary>
    private static async Task<(TestStore Test, CampaignQueue Queue, List<AnnotationTask> Tasks)> OrderedAsync(int count, QueueOrder order, int overlap = 1)
    {
        var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(count, overlap: overlap);
        await test.Store.Campaigns.UpdateSettingsAsync(campaign.Id, c => c with { QueueOrder = order });
        return (test, test.Store.Campaigns.Get(campaign.Id), Tasks(test, campaign.Id));
    }

    private static List<AnnotationTask> Tasks(TestStore test, string campaignId) =>
        test.Store.Collections.Tasks.FindBy("campaignId", campaignId).OrderBy(t => t.Sequence).ToList();

    /// <summary>Scores giving each task's first completion a lead of <paramref name="margin"/> over the others.</summary>
    private static TaskScores Lead(AnnotationTask task, double margin) => new()
    {
        TaskId = task.Id, CampaignId = task.CampaignId,
        CompletionScores = task.CompletionIds.Select((id, i) => (id, i == 0 ? margin : -i * 10.0)).ToDictionary(),
    };

    private static async Task<List<string>> WorkThrough(CampaignQueue queue, Annotator annotator)
    {
        var served = new List<string>();
        while (await queue.NextAsync(annotator.Id) is { } offer)
        {
            served.Add(offer.TaskId);
            await queue.SubmitAsync(annotator, TestStore.RankAsShown(offer));
        }
        return served;
    }

    [Fact]
    public async Task Uncertainty_serves_the_smallest_margin_first_with_gold_mixed_in_each_task_once_unscored_last()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(30);
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var tasks = Tasks(test, campaign.Id);
        var gold = tasks.Take(3).ToList();
        foreach (var task in gold) await queue.MarkGoldAsync(task.Id, Ranking.Strict(task.CompletionIds.ToArray()), "admin");
        await test.Store.Campaigns.UpdateSettingsAsync(campaign.Id, c => c with { GoldRate = 0.2, QueueOrder = QueueOrder.Uncertainty });
        var scored = tasks.Skip(3).Take(20).ToList();
        var margins = Enumerable.Range(1, scored.Count).Select(m => m / 10.0).ToArray();
        new Random(7).Shuffle(margins);
        Assert.Equal(20, await queue.SetScoresAsync(scored.Select((t, i) => Lead(t, margins[i])).ToList()));

        var served = await WorkThrough(queue, await test.AnnotatorAsync("alice"));

        Assert.Equal(served.Count, served.Distinct().Count());
        Assert.Equal(gold.Select(t => t.Id).Order(), served.Where(id => gold.Any(g => g.Id == id)).Order());
        var ordinary = served.Where(id => gold.All(g => g.Id != id)).ToList();
        var expected = scored.Select((t, i) => (t.Id, Margin: margins[i])).OrderBy(t => t.Margin).Select(t => t.Id)
            .Concat(tasks.Skip(23).Select(t => t.Id)); // the unscored, in import order
        Assert.Equal(expected, ordinary);
        Assert.Equal((27, 27), (queue.Progress().Tasks, queue.Progress().TasksDone));
    }

    [Fact]
    public async Task Started_tasks_still_come_first_and_a_reservation_survives_a_new_upload()
    {
        var (test, queue, tasks) = await OrderedAsync(6, QueueOrder.Uncertainty, overlap: 2);
        using var _ = test;
        await queue.SetScoresAsync(tasks.Select((t, i) => Lead(t, i + 1)).ToList()); // task 0 is the least sure
        var (alice, bob, carol) = (await test.AnnotatorAsync("alice"), await test.AnnotatorAsync("bob"), await test.AnnotatorAsync("carol"));

        var aliceFirst = (await queue.NextAsync(alice.Id))!;
        Assert.Equal(tasks[0].Id, aliceFirst.TaskId);
        await queue.SubmitAsync(alice, TestStore.RankAsShown(aliceFirst));
        var aliceSecond = (await queue.NextAsync(alice.Id))!;
        Assert.Equal(tasks[1].Id, aliceSecond.TaskId);

        // The model changes its mind: task 5 is now the least sure. Alice keeps her reservation; task 0, started,
        // still goes first to the next annotator; after it, the new order puts task 5 before task 1.
        await queue.SetScoresAsync([Lead(tasks[5], 0.01)]);
        Assert.Equal(aliceSecond.AssignmentId, (await queue.NextAsync(alice.Id))!.AssignmentId);
        var bobFirst = (await queue.NextAsync(bob.Id))!;
        Assert.Equal(tasks[0].Id, bobFirst.TaskId);
        await queue.SubmitAsync(bob, TestStore.RankAsShown(bobFirst));
        Assert.Equal(tasks[5].Id, (await queue.NextAsync(bob.Id))!.TaskId);
        Assert.Equal(tasks[5].Id, (await queue.NextAsync(carol.Id))!.TaskId); // overlap 2: bob's reservation leaves a place
    }

    [Fact]
    public async Task The_order_and_the_scores_survive_a_restart_and_sequence_restores_import_order()
    {
        var (test, before, tasks) = await OrderedAsync(5, QueueOrder.Uncertainty, overlap: 2);
        using var _ = test;
        await before.SetScoresAsync(tasks.Select((t, i) => Lead(t, 10 - i)).ToList());

        test.Reopen();
        var queue = test.Store.Campaigns.Get(before.Campaign.Id);
        Assert.Equal(5, queue.Scores().Count);
        Assert.Equal(tasks.Select(t => t.Id).Reverse(), await WorkThrough(queue, await test.AnnotatorAsync("alice")));

        await test.Store.Campaigns.UpdateSettingsAsync(queue.Campaign.Id, c => c with { QueueOrder = QueueOrder.Sequence });
        Assert.Equal(tasks.Select(t => t.Id), await WorkThrough(queue, await test.AnnotatorAsync("bob")));
    }

    [Fact]
    public async Task Random_order_is_a_fixed_shuffle_of_the_campaign()
    {
        var (test, queue, tasks) = await OrderedAsync(40, QueueOrder.Random, overlap: 2);
        using var _ = test;
        var alice = await WorkThrough(queue, await test.AnnotatorAsync("alice"));
        test.Reopen();
        var bob = await WorkThrough(test.Store.Campaigns.Get(queue.Campaign.Id), await test.AnnotatorAsync("bob"));

        Assert.Equal(alice, bob); // the same order after a restart
        Assert.Equal(tasks.Select(t => t.Id).Order(), alice.Order());
        Assert.NotEqual(tasks.Select(t => t.Id), alice);
    }

    [Fact]
    public async Task Judge_disagreement_serves_tasks_the_judge_ranks_against_the_reward_model_first()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(12, overlap: 2);
        var judge = await test.AnnotatorAsync("judge", AnnotatorKind.Judge);
        var refused = await Assert.ThrowsAsync<StoreValidationException>(() =>
            test.Store.Campaigns.UpdateSettingsAsync(campaign.Id, c => c with { QueueOrder = QueueOrder.JudgeDisagreement }));
        Assert.Equal("queueOrder", refused.Field);
        await test.Store.Campaigns.UpdateSettingsAsync(campaign.Id, c => c with { QueueOrder = QueueOrder.JudgeDisagreement, SuggestionJudgeId = judge.Id });
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var tasks = Tasks(test, campaign.Id);
        await queue.SetScoresAsync(tasks.Select((t, i) => Lead(t, i + 1)).ToList()); // the model prefers completion 0 everywhere
        await WorkThrough(queue, judge); // the judge ranks in the shuffled order it was shown: it agrees on about half

        var judgeSaysFirstWins = test.Store.Collections.Annotations.FindBy("campaignId", campaign.Id)
            .ToDictionary(a => a.TaskId, a => a.Ranking.Tiers[0][0] == tasks.Single(t => t.Id == a.TaskId).CompletionIds[0]);
        var expected = tasks.Select((t, i) => (t.Id, Against: !judgeSaysFirstWins[t.Id], Margin: i + 1))
            .OrderByDescending(t => t.Against).ThenBy(t => t.Margin).Select(t => t.Id);
        Assert.Equal(expected, await WorkThrough(queue, await test.AnnotatorAsync("alice")));
    }

    [Fact]
    public async Task A_bad_upload_names_the_field_and_stores_nothing()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(3);
        var other = await test.CampaignWithTasksAsync(1);
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var tasks = Tasks(test, campaign.Id);
        var good = Lead(tasks[0], 1);
        var ids = tasks[1].CompletionIds;

        async Task<string> Refused(TaskScores bad)
        {
            var e = await Assert.ThrowsAsync<StoreValidationException>(() => queue.SetScoresAsync([good, bad]));
            return e.Field;
        }
        Assert.Equal("tasks[1].taskId", await Refused(good with { TaskId = "nope" }));
        Assert.Equal("tasks[1].taskId", await Refused(Lead(Tasks(test, other.Id)[0], 1)));
        Assert.Equal("tasks[1].taskId", await Refused(good));
        Assert.Equal($"tasks[1].completionScores.{tasks[0].CompletionIds[0]}", await Refused(Lead(tasks[1], 1) with
        {
            CompletionScores = new Dictionary<string, double> { [ids[0]] = 1, [tasks[0].CompletionIds[0]] = 2 },
        }));
        Assert.Equal($"tasks[1].completionScores.{ids[1]}", await Refused(Lead(tasks[1], 1) with
        {
            CompletionScores = new Dictionary<string, double> { [ids[0]] = 1, [ids[1]] = double.NaN },
        }));
        Assert.Equal("tasks[1].completionScores", await Refused(Lead(tasks[1], 1) with
        {
            CompletionScores = new Dictionary<string, double> { [ids[0]] = 1 },
        }));
        Assert.Equal(0, test.Store.Collections.TaskScores.Count());
        Assert.Empty(queue.Scores());
    }
}
