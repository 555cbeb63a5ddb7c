using Preference.Core.Api;
using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Documents;
using Preference.Store.Queue;

namespace Preference.Store.Tests;

/// <summary>What an offer shows: the queue reads prompts and completions of the tasks queued next in one query, so every task must still show its own.</summary>
public class TaskContentTests
{
    private static async Task<List<TaskOffer>> TakeAllAsync(CampaignQueue queue, Annotator annotator)
    {
        var offers = new List<TaskOffer>();
        while (await queue.NextAsync(annotator.Id) is { } offer)
        {
            offers.Add(offer);
            await queue.SubmitAsync(annotator, TestStore.RankAsShown(offer));
        }
        return offers;
    }

    private static void AssertShowsItsOwnContent(TaskOffer offer)
    {
        var index = offer.Prompt.Text!["prompt ".Length..];
        Assert.All(offer.Completions, c => Assert.StartsWith($"answer {index}.", c.Text));
        Assert.Equal(offer.Completions.Count, offer.Completions.Select(c => c.Text).Distinct().Count());
    }

    [Fact]
    public async Task Every_offer_shows_its_own_prompt_and_completions_across_many_read_ahead_windows()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(100, k: 3);
        var alice = await test.AnnotatorAsync("alice");

        var offers = await TakeAllAsync(test.Store.Campaigns.Get(campaign.Id), alice);

        Assert.Equal(100, offers.Count);
        Assert.All(offers, AssertShowsItsOwnContent);
    }

    /// <summary>Scores whose closest two candidates are <paramref name="margin"/> apart (the uncertainty order's key).</summary>
    private static TaskScores Closest(AnnotationTask task, double margin) => new()
    {
        TaskId = task.Id, CampaignId = task.CampaignId,
        CompletionScores = task.CompletionIds.Select((id, i) => (id, i switch { 0 => 0, 1 => margin, _ => -1e6 * i })).ToDictionary(),
    };

    [Fact]
    public async Task Content_read_ahead_in_a_priority_order_stays_with_its_task_when_a_new_upload_reorders_the_queue()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(100, k: 3);
        await test.Store.Campaigns.UpdateSettingsAsync(campaign.Id, c => c with { QueueOrder = QueueOrder.Uncertainty });
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var tasks = test.Store.Collections.Tasks.FindBy("campaignId", campaign.Id).OrderBy(t => t.Sequence).ToList();
        var margins = Enumerable.Range(1, tasks.Count).Select(m => (double)m).ToArray();
        new Random(11).Shuffle(margins);
        await queue.SetScoresAsync(tasks.Select((t, i) => Closest(t, margins[i])).ToList());
        var alice = await test.AnnotatorAsync("alice");
        var before = new List<TaskOffer>();
        for (int i = 0; i < 5; i++)
        {
            var offer = (await queue.NextAsync(alice.Id))!;
            before.Add(offer);
            await queue.SubmitAsync(alice, TestStore.RankAsShown(offer));
        }

        // Reversed margins: the tasks read ahead behind the first five now come last, and unread ones come first.
        await queue.SetScoresAsync(tasks.Select((t, i) => Closest(t, 1000 - margins[i])).ToList());
        var after = await TakeAllAsync(queue, alice);

        var sequenceOf = tasks.ToDictionary(t => t.Id, t => t.Sequence);
        Assert.Equal(tasks.Count, before.Concat(after).Select(o => o.TaskId).Distinct().Count());
        Assert.All(before.Concat(after), o => Assert.Equal($"prompt {sequenceOf[o.TaskId]}", o.Prompt.Text));
        Assert.All(before.Concat(after), AssertShowsItsOwnContent);
        var servedFirst = before.Select(o => o.TaskId).ToHashSet();
        Assert.Equal(tasks.Select((t, i) => (t.Id, Margin: 1000 - margins[i])).Where(t => !servedFirst.Contains(t.Id)).OrderBy(t => t.Margin).Select(t => t.Id),
            after.Select(o => o.TaskId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tasks_written_with_any_ids_show_their_own_content(bool sortableIdsInterleavedWithOtherRecords)
    {
        using var test = new TestStore();
        var campaign = await test.Store.Campaigns.CreateAsync(new Campaign { Id = "", Name = "written directly", ResponsesPerTask = 2 });
        // Random ids, as stores written before ids sorted in creation order have, are read one task at a time. Sortable
        // ids with another import's records made in between (and a third, unshown completion per prompt) are read in
        // windows whose range holds those records too.
        Func<string> newId = sortableIdsInterleavedWithOtherRecords ? SortableId.New : () => Guid.NewGuid().ToString("N");
        var prompts = new List<Prompt>();
        var completions = new List<Completion>();
        var tasks = new List<AnnotationTask>();
        for (int i = 0; i < 60; i++)
        {
            var prompt = new Prompt { Id = newId(), Text = $"prompt {i}" };
            var made = Enumerable.Range(0, 3).Select(j => new Completion { Id = newId(), PromptId = prompt.Id, Text = $"answer {i}.{j}" }).ToList();
            prompts.Add(prompt);
            completions.AddRange(made);
            tasks.Add(new AnnotationTask
            {
                Id = newId(), CampaignId = campaign.Id, PromptId = prompt.Id, CompletionIds = made.Take(2).Select(c => c.Id).ToList(), Sequence = i,
            });
            if (!sortableIdsInterleavedWithOtherRecords) continue;
            var other = new Prompt { Id = newId(), Text = $"other import {i}" };
            prompts.Add(other);
            completions.Add(new Completion { Id = newId(), PromptId = other.Id, Text = $"other answer {i}" });
        }
        var collections = test.Store.Collections;
        await test.Store.Writer.WriteAsync(() =>
        {
            collections.Prompts.Insert(prompts);
            collections.Completions.Insert(completions);
            collections.Tasks.Insert(tasks);
        });
        var store = test.Reopen();
        var alice = await test.AnnotatorAsync("alice");

        var offers = await TakeAllAsync(store.Campaigns.Get(campaign.Id), alice);

        Assert.Equal(60, offers.Count);
        Assert.All(offers, AssertShowsItsOwnContent);
        Assert.All(offers, o => Assert.Equal(2, o.Completions.Count));
    }

    [Fact]
    public void Sortable_ids_sort_in_the_order_they_were_made_and_never_repeat()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => SortableId.New()).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }
}
