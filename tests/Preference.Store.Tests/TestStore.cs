using Preference.Core.Api;
using Preference.Core.Datasets;
using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Queue;

namespace Preference.Store.Tests;

/// <summary>A real store file in a fresh temp directory, deleted afterwards.</summary>
public sealed class TestStore : IDisposable
{
    public TestStore(TimeProvider? time = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "pref-store-" + Guid.NewGuid().ToString("N"));
        Time = time ?? TimeProvider.System;
        Store = PreferenceStore.Open(Directory, Time);
    }

    public string Directory { get; }
    public TimeProvider Time { get; }
    public PreferenceStore Store { get; private set; }

    /// <summary>Closes and reopens the file, as a server restart would.</summary>
    public PreferenceStore Reopen()
    {
        Store.Dispose();
        Store = PreferenceStore.Open(Directory, Time);
        return Store;
    }

    public async Task<Campaign> CampaignWithTasksAsync(int tasks, int overlap = 1, int k = 2, TimeSpan? reservation = null)
    {
        var campaign = await Store.Campaigns.CreateAsync(new Campaign
        {
            Id = "", Name = "test campaign", Overlap = overlap, ResponsesPerTask = k,
            ReservationTimeout = reservation ?? TimeSpan.FromMinutes(15),
        });
        var items = Enumerable.Range(0, tasks).Select(i => new ImportItem
        {
            PromptText = $"prompt {i}",
            Completions = Enumerable.Range(0, k).Select(j => new ImportCompletion { Text = $"answer {i}.{j}" }).ToList(),
        }).ToList();
        await Store.Campaigns.ImportAsync(campaign.Id, items, "test");
        return campaign;
    }

    public async Task<Annotator> AnnotatorAsync(string name, AnnotatorKind kind = AnnotatorKind.Human) =>
        (await Store.Annotators.CreateAsync(name, AnnotatorRole.Annotator, kind)).Annotator;

    /// <summary>A valid submission for an offer: its responses ranked in the order shown.</summary>
    public static Submission RankAsShown(TaskOffer offer) => new()
    {
        TaskId = offer.TaskId, Ranking = Ranking.Strict(offer.Completions.Select(c => c.Id).ToArray()),
    };

    public void Dispose()
    {
        Store.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
