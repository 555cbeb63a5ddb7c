using Preference.Core.Api;
using System.Text;
using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Queue;

namespace Preference.Store.Tests;

public class StoreFileTests
{
    [Fact]
    public void A_new_store_records_its_schema_version()
    {
        using var test = new TestStore();
        Assert.Equal(StoreSchema.CurrentVersion, test.Store.SchemaVersion);
    }

    [Fact]
    public async Task Acknowledged_annotations_are_found_after_reopening_the_file()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(3);
        var alice = await test.AnnotatorAsync("alice");
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var offer = (await queue.NextAsync(alice.Id))!;
        await queue.SubmitAsync(alice, new Submission
        {
            TaskId = offer.TaskId, Ranking = Ranking.Strict(offer.Completions[1].Id, offer.Completions[0].Id), Rationale = "clearer",
        });

        var reopened = test.Reopen();
        var stored = Assert.Single(reopened.Collections.Annotations.All());
        // Stored under the completions' own ids (the offer showed per-offer ids), in the order they were shown.
        Assert.Equal(offer.Completions[1].Text, reopened.Collections.Completions.Get(stored.Ranking.Tiers[0][0])!.Text);
        Assert.Equal(offer.Completions.Select(c => c.Text), stored.ShownOrder.Select(id => reopened.Collections.Completions.Get(id)!.Text));
        Assert.Equal(1, reopened.Campaigns.Get(campaign.Id).Progress().Annotations);
        Assert.Equal(3, reopened.Campaigns.Get(campaign.Id).Progress().Tasks);
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes()
    {
        using var test = new TestStore();
        var issued = await test.Store.Annotators.CreateAsync("alice", AnnotatorRole.Annotator, AnnotatorKind.Human);
        test.Reopen();
        Assert.Equal("alice", test.Store.Annotators.Authenticate(issued.Token)?.Id);
        Assert.Null(test.Store.Annotators.Authenticate(issued.Token + "x"));
        test.Store.Dispose();
        var bytes = File.ReadAllBytes(Path.Combine(test.Directory, PreferenceStore.FileName));
        Assert.DoesNotContain(issued.Token, Encoding.UTF8.GetString(bytes));
        test.Reopen();
    }

    [Fact]
    public async Task Training_metrics_are_kept_per_run_in_step_order()
    {
        using var test = new TestStore();
        var run = await test.Store.Runs.StartAsync("ppo tiny", "ppo", null);
        await test.Store.Runs.AppendAsync([new MetricPoint(run.Id, 2, "objective/kl", 0.2, DateTimeOffset.UtcNow)]);
        await test.Store.Runs.AppendAsync([new MetricPoint(run.Id, 1, "objective/kl", 0.1, DateTimeOffset.UtcNow)]);
        Assert.Equal([1L, 2L], test.Reopen().Runs.Metrics(run.Id).Select(m => m.Step));
    }

    [Fact]
    public async Task Non_finite_metric_values_are_rejected_and_nothing_is_stored()
    {
        using var test = new TestStore();
        var run = await test.Store.Runs.StartAsync("r", "ppo", null);
        var error = await Assert.ThrowsAsync<Errors.StoreValidationException>(() => test.Store.Runs.AppendAsync(
            [new MetricPoint(run.Id, 1, "loss", 1, DateTimeOffset.UtcNow), new MetricPoint(run.Id, 2, "loss", double.NaN, DateTimeOffset.UtcNow)]));
        Assert.Equal("value", error.Field);
        Assert.Empty(test.Store.Runs.Metrics(run.Id));
    }

    [Fact]
    public void A_second_open_of_the_same_directory_is_refused_while_the_first_holds_it()
    {
        using var test = new TestStore();
        var error = Assert.Throws<Errors.StoreInUseException>(() => PreferenceStore.Open(test.Directory));
        Assert.Contains("already open", error.Message);
    }
}
