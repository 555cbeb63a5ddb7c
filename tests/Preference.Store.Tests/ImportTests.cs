using Preference.Core.Datasets;
using Preference.Core.Domain;
using Preference.Store.Queue;

namespace Preference.Store.Tests;

public class ImportTests
{
    private static List<ImportItem> Items(int count) => Enumerable.Range(0, count).Select(i => new ImportItem
    {
        PromptText = $"big prompt {i}",
        Completions = [new ImportCompletion { Text = $"first {i}" }, new ImportCompletion { Text = $"second {i}" }],
    }).ToList();

    /// <summary>Calls back on the importing thread, before the next chunk is queued (Progress&lt;T&gt; would post elsewhere).</summary>
    private sealed class Inline(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    [Fact]
    public async Task A_submission_made_during_a_large_import_commits_before_the_import_finishes()
    {
        using var test = new TestStore();
        var busy = await test.CampaignWithTasksAsync(1);
        var alice = await test.AnnotatorAsync("alice");
        var queue = test.Store.Campaigns.Get(busy.Id);
        var offer = (await queue.NextAsync(alice.Id))!;
        var target = await test.Store.Campaigns.CreateAsync(new Campaign { Id = "", Name = "big" });

        Task<Annotation>? submit = null;
        bool importDoneWhenSubmitCommitted = true;
        int chunksStored = 0;
        var import = test.Store.Campaigns.ImportAsync(target.Id, Items(4 * CampaignQueues.ImportChunkItems), "big",
            new Inline(_ =>
            {
                // Mid-import: after the first chunk is stored, an annotator submits.
                if (++chunksStored == 1)
                    submit = queue.SubmitAsync(alice, TestStore.RankAsShown(offer)).ContinueWith(t =>
                    {
                        importDoneWhenSubmitCommitted = chunksStored == 4;
                        return t.Result;
                    }, TaskContinuationOptions.ExecuteSynchronously);
            }));
        Assert.Equal(4 * CampaignQueues.ImportChunkItems, await import);
        await submit!;

        Assert.False(importDoneWhenSubmitCommitted, "the submission waited for the whole import");
        Assert.Equal(1, queue.Progress().Annotations);
        Assert.Equal(4 * CampaignQueues.ImportChunkItems, test.Reopen().Campaigns.Get(target.Id).Progress().Tasks);
    }

    [Fact]
    public async Task An_import_cancelled_after_some_chunks_leaves_nothing_behind()
    {
        using var test = new TestStore();
        var campaign = await test.Store.Campaigns.CreateAsync(new Campaign { Id = "", Name = "c" });
        using var cancel = new CancellationTokenSource();
        var import = test.Store.Campaigns.ImportAsync(campaign.Id, Items(3 * CampaignQueues.ImportChunkItems), "x",
            new Inline(stored => { if (stored >= 2 * CampaignQueues.ImportChunkItems) cancel.Cancel(); }), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => import);
        Assert.Equal(0, test.Store.Campaigns.Get(campaign.Id).Progress().Tasks);
        var reopened = test.Reopen();
        Assert.Equal(0, reopened.Collections.Prompts.Count());
        Assert.Equal(0, reopened.Collections.Completions.Count());
        Assert.Equal(0, reopened.Collections.Tasks.Count());
        Assert.Equal(0, reopened.Campaigns.Get(campaign.Id).Progress().Tasks);
    }
}
