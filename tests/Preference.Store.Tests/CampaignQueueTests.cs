using Preference.Core.Api;
using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Errors;
using Preference.Store.Queue;

namespace Preference.Store.Tests;

public class CampaignQueueTests
{
    [Fact]
    public async Task An_annotator_never_gets_the_same_task_twice()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(5, overlap: 3);
        var alice = await test.AnnotatorAsync("alice");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var seen = new List<string>();
        while (await queue.NextAsync(alice.Id) is { } offer)
        {
            seen.Add(offer.TaskId);
            await queue.SubmitAsync(alice, TestStore.RankAsShown(offer));
        }
        Assert.Equal(5, seen.Count);
        Assert.Equal(5, seen.Distinct().Count());
    }

    [Fact]
    public async Task Asking_again_before_submitting_returns_the_same_reservation_in_the_same_order()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(3, k: 4);
        var alice = await test.AnnotatorAsync("alice");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var first = (await queue.NextAsync(alice.Id))!;
        var again = (await test.Reopen().Campaigns.Get(campaign.Id).NextAsync(alice.Id))!;
        Assert.Equal(first.TaskId, again.TaskId);
        Assert.Equal(first.Completions.Select(c => c.Id), again.Completions.Select(c => c.Id));
    }

    [Fact]
    public async Task Tasks_already_started_by_others_come_before_fresh_ones()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(3, overlap: 2);
        var alice = await test.AnnotatorAsync("alice");
        var bob = await test.AnnotatorAsync("bob");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var a1 = (await queue.NextAsync(alice.Id))!;
        await queue.SubmitAsync(alice, TestStore.RankAsShown(a1));
        var a2 = (await queue.NextAsync(alice.Id))!;
        await queue.SubmitAsync(alice, TestStore.RankAsShown(a2));

        var forBob = (await queue.NextAsync(bob.Id))!;
        Assert.Contains(forBob.TaskId, new[] { a1.TaskId, a2.TaskId });
    }

    [Fact]
    public async Task A_task_reserved_up_to_its_overlap_is_not_offered_to_a_third_annotator()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(1, overlap: 1);
        var alice = await test.AnnotatorAsync("alice");
        var bob = await test.AnnotatorAsync("bob");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        Assert.NotNull(await queue.NextAsync(alice.Id));
        Assert.Null(await queue.NextAsync(bob.Id));
    }

    [Fact]
    public async Task An_expired_reservation_returns_the_task_to_the_queue()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        using var test = new TestStore(time);
        var campaign = await test.CampaignWithTasksAsync(1, overlap: 1, reservation: TimeSpan.FromMinutes(10));
        var alice = await test.AnnotatorAsync("alice");
        var bob = await test.AnnotatorAsync("bob");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var abandoned = (await queue.NextAsync(alice.Id))!;
        time.Advance(TimeSpan.FromMinutes(11));
        var forBob = await queue.NextAsync(bob.Id);
        Assert.Equal(abandoned.TaskId, forBob?.TaskId);
    }

    [Fact]
    public async Task A_skipped_task_goes_to_others_but_never_back_to_the_skipper()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(1, overlap: 1);
        var alice = await test.AnnotatorAsync("alice");
        var bob = await test.AnnotatorAsync("bob");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var offer = (await queue.NextAsync(alice.Id))!;
        await queue.SkipAsync(alice.Id, offer.TaskId);
        Assert.Null(await test.Reopen().Campaigns.Get(campaign.Id).NextAsync(alice.Id));
        Assert.Equal(offer.TaskId, (await test.Store.Campaigns.Get(campaign.Id).NextAsync(bob.Id))?.TaskId);
    }

    [Fact]
    public async Task Completions_are_shuffled_per_annotator_and_the_shown_order_is_stored()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(1, overlap: 40, k: 6);
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var orders = new HashSet<string>();
        for (int i = 0; i < 20; i++)
        {
            var annotator = await test.AnnotatorAsync($"a{i}");
            var offer = (await queue.NextAsync(annotator.Id))!;
            // By text: offered ids differ per annotator anyway, so only the content order shows the shuffle.
            orders.Add(string.Join(",", offer.Completions.Select(c => c.Text)));
            var stored = await queue.SubmitAsync(annotator, TestStore.RankAsShown(offer));
            Assert.Equal(offer.Completions.Select(c => c.Id), stored.ShownOrder);
        }
        Assert.True(orders.Count > 1, "20 annotators all saw the same order of 6 responses");
    }

    [Fact]
    public async Task A_ranking_that_leaves_out_a_shown_response_is_rejected_naming_ranking()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(1, k: 3);
        var alice = await test.AnnotatorAsync("alice");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var offer = (await queue.NextAsync(alice.Id))!;
        var error = await Assert.ThrowsAsync<StoreValidationException>(() => queue.SubmitAsync(alice,
            new Submission { TaskId = offer.TaskId, Ranking = Ranking.Strict(offer.Completions[0].Id, offer.Completions[1].Id) }));
        Assert.Equal("ranking", error.Field);
        // Nothing was recorded and the task is still the caller's to finish.
        Assert.Equal(0, queue.Progress().Annotations);
        await queue.SubmitAsync(alice, TestStore.RankAsShown(offer));
    }

    [Fact]
    public async Task Submitting_the_same_task_twice_is_a_conflict()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(2);
        var alice = await test.AnnotatorAsync("alice");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var offer = (await queue.NextAsync(alice.Id))!;
        await queue.SubmitAsync(alice, TestStore.RankAsShown(offer));
        await Assert.ThrowsAsync<StoreConflictException>(() => queue.SubmitAsync(alice, TestStore.RankAsShown(offer)));
        Assert.Equal(1, test.Reopen().Collections.Annotations.Count());
    }

    [Fact]
    public async Task Only_the_last_submission_can_be_edited_and_the_edit_is_durable()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(2);
        var alice = await test.AnnotatorAsync("alice");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var first = (await queue.NextAsync(alice.Id))!;
        await queue.SubmitAsync(alice, TestStore.RankAsShown(first));
        var second = (await queue.NextAsync(alice.Id))!;
        await queue.SubmitAsync(alice, TestStore.RankAsShown(second));

        var tie = new Submission { TaskId = second.TaskId, Ranking = new Ranking([second.Completions.Select(c => c.Id).ToList()]) };
        await queue.EditLastAsync(alice, tie);
        await Assert.ThrowsAsync<StoreValidationException>(() => queue.EditLastAsync(alice, TestStore.RankAsShown(first)));

        var stored = test.Reopen().Collections.Annotations.Get($"{second.TaskId}:{alice.Id}")!;
        Assert.Single(stored.Ranking.Tiers);
        Assert.NotNull(stored.EditedAt);
    }

    [Fact]
    public async Task A_judge_is_an_annotator_whose_kind_and_metadata_travel_into_its_annotations()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(1);
        var judge = await test.AnnotatorAsync("gpt judge", AnnotatorKind.Judge);
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var offer = (await queue.NextAsync(judge.Id))!;
        var stored = await queue.SubmitAsync(judge, TestStore.RankAsShown(offer) with
        {
            Metadata = new Dictionary<string, string> { ["model"] = "gpt-4o-mini", ["promptTemplateVersion"] = "v2" },
        });
        Assert.Equal(AnnotatorKind.Judge, stored.AnnotatorKind);
        Assert.Equal("v2", test.Reopen().Collections.Annotations.Get(stored.Id)!.Metadata!["promptTemplateVersion"]);
    }

    [Fact]
    public async Task Annotators_outside_a_restricted_campaign_get_nothing()
    {
        using var test = new TestStore();
        var campaign = await test.Store.Campaigns.CreateAsync(new Campaign { Id = "", Name = "private", AllowedAnnotatorIds = ["alice"] });
        var bob = await test.AnnotatorAsync("bob");
        await Assert.ThrowsAsync<StoreNotFoundException>(() => test.Store.Campaigns.Get(campaign.Id).NextAsync(bob.Id));
    }

    [Fact]
    public async Task Concurrent_annotators_never_exceed_a_tasks_overlap()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(20, overlap: 2);
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var annotators = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => test.AnnotatorAsync($"w{i}")));
        await Task.WhenAll(annotators.Select(a => Task.Run(async () =>
        {
            while (await queue.NextAsync(a.Id) is { } offer) await queue.SubmitAsync(a, TestStore.RankAsShown(offer));
        })));
        var perTask = test.Reopen().Collections.Annotations.All().GroupBy(x => x.TaskId).ToList();
        Assert.Equal(20, perTask.Count);
        Assert.All(perTask, g => Assert.Equal(2, g.Select(x => x.AnnotatorId).Distinct().Count()));
    }

    [Fact]
    public async Task Remaining_counts_only_open_tasks_the_annotator_has_not_seen_and_survive_a_restart()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(3, overlap: 2);
        var alice = await test.AnnotatorAsync("alice");
        var bob = await test.AnnotatorAsync("bob");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var first = (await queue.NextAsync(alice.Id))!;
        await queue.SubmitAsync(alice, TestStore.RankAsShown(first));
        Assert.Equal((2, 3), (queue.RemainingFor(alice.Id), queue.RemainingFor(bob.Id)));

        var forBob = (await queue.NextAsync(bob.Id))!;
        Assert.Equal(first.TaskId, forBob.TaskId);
        await queue.SubmitAsync(bob, TestStore.RankAsShown(forBob));
        var skipped = (await queue.NextAsync(alice.Id))!;
        await queue.SkipAsync(alice.Id, skipped.TaskId);
        Assert.Equal((1, 2, 1), (queue.RemainingFor(alice.Id), queue.RemainingFor(bob.Id), queue.Progress().TasksDone));

        var reopened = test.Reopen().Campaigns.Get(campaign.Id);
        Assert.Equal((1, 2, 1), (reopened.RemainingFor(alice.Id), reopened.RemainingFor(bob.Id), reopened.Progress().TasksDone));
        Assert.Equal(1, reopened.DoneBy(alice.Id));
    }
}
