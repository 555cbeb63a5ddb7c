using System.Collections.Concurrent;
using Preference.Core.Datasets;
using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Documents;
using Preference.Store.Errors;
using Preference.Store.Identity;

namespace Preference.Store.Queue;

/// <summary>All campaigns: creating them, importing prompts into them, and each one's <see cref="CampaignQueue"/>.</summary>
public sealed class CampaignQueues
{
    private readonly PreferenceCollections _collections;
    private readonly StoreWriter _writer;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CampaignQueue> _queues = new();

    public CampaignQueues(PreferenceCollections collections, StoreWriter writer, TimeProvider time)
    {
        _collections = collections;
        _writer = writer;
        _time = time;
        foreach (var campaign in collections.Campaigns.All()) Register(campaign).Load();
    }

    /// <summary>Raised after any campaign's submissions change (the server pushes progress from it).</summary>
    public event Action<CampaignQueue>? Changed;

    public IReadOnlyList<Campaign> All() => _queues.Values.Select(q => q.Campaign).OrderBy(c => c.CreatedAt).ToList();

    public CampaignQueue Get(string campaignId) =>
        _queues.TryGetValue(campaignId, out var queue) ? queue : throw new StoreNotFoundException($"campaign '{campaignId}' does not exist");

    public async Task<Campaign> CreateAsync(Campaign draft)
    {
        if (string.IsNullOrWhiteSpace(draft.Name)) throw new StoreValidationException("name", "required");
        if (draft.ResponsesPerTask is < 2 or > 9) throw new StoreValidationException("responsesPerTask", "must be 2..9");
        if (draft.Overlap is < 1 or > 100) throw new StoreValidationException("overlap", "must be 1..100");
        if (draft.ReservationTimeout <= TimeSpan.Zero) throw new StoreValidationException("reservationTimeout", "must be positive");
        QualitySettingsRules.Validate(draft);
        var campaign = draft with
        {
            Id = Slug.Unique(string.IsNullOrWhiteSpace(draft.Id) ? draft.Name : draft.Id, id => _queues.ContainsKey(id)),
            CreatedAt = _time.GetUtcNow(),
        };
        var queue = Register(campaign);
        try
        {
            await _writer.WriteAsync(() => _collections.Campaigns.Upsert(campaign));
        }
        catch
        {
            _queues.TryRemove(campaign.Id, out _);
            throw;
        }
        return queue.Campaign;
    }

    /// <summary>
    /// Stores prompts, completions and one task per item (its first k completions) in one transaction, so a failed
    /// import leaves nothing behind. Returns the number of tasks created.
    /// </summary>
    /// <param name="goldRankings">
    /// For a gold import, each item's known ranking as tiers of indices into its completions (best first); the tasks
    /// become gold tasks in the same transaction. Check them with <see cref="QualitySettingsRules.GoldIndices"/> first.
    /// </param>
    public async Task<int> ImportAsync(string campaignId, IReadOnlyList<ImportItem> items, string source,
        IReadOnlyList<IReadOnlyList<IReadOnlyList<int>>>? goldRankings = null, string importedBy = "")
    {
        var queue = Get(campaignId);
        var k = queue.Campaign.ResponsesPerTask;
        long sequence = queue.ReserveSequences(items.Count);
        var prompts = new List<Prompt>(items.Count);
        var completions = new List<Completion>();
        var tasks = new List<AnnotationTask>(items.Count);
        var gold = new Dictionary<string, GoldRanking>();
        var now = _time.GetUtcNow();
        foreach (var item in items)
        {
            var promptId = SortableId.New();
            prompts.Add(new Prompt { Id = promptId, Text = item.PromptText, Messages = item.PromptMessages, Source = source, CreatedAt = now });
            var ids = new List<string>();
            foreach (var c in item.Completions)
            {
                var completion = new Completion
                {
                    Id = SortableId.New(),
                    PromptId = promptId,
                    Text = c.Text,
                    Messages = c.Messages,
                    SourceModel = c.SourceModel,
                    GenerationParams = c.GenerationParams,
                };
                completions.Add(completion);
                ids.Add(completion.Id);
            }
            tasks.Add(new AnnotationTask
            {
                Id = SortableId.New(),
                CampaignId = campaignId,
                PromptId = promptId,
                CompletionIds = ids.Take(k).ToList(),
                Sequence = sequence++,
            });
            if (goldRankings?[tasks.Count - 1] is { } tiers)
                gold[tasks[^1].Id] = new GoldRanking
                {
                    TaskId = tasks[^1].Id, CampaignId = campaignId, CreatedBy = importedBy, CreatedAt = now,
                    Ranking = new Ranking(tiers.Select(t => (IReadOnlyList<string>)t.Select(i => ids[i]).ToList()).ToList()),
                };
        }
        await _writer.WriteAsync(() =>
        {
            _collections.Prompts.Insert(prompts);
            _collections.Completions.Insert(completions);
            _collections.Tasks.Insert(tasks);
            if (gold.Count > 0) _collections.Gold.Insert(gold.Values);
        });
        foreach (var task in tasks) queue.AddTask(task, gold.GetValueOrDefault(task.Id));
        return tasks.Count;
    }

    /// <summary>Changes a campaign's quality settings (gold rate, review threshold, suggestion judge and holdout).</summary>
    public async Task<Campaign> UpdateSettingsAsync(string campaignId, Func<Campaign, Campaign> change)
    {
        var queue = Get(campaignId);
        var updated = change(queue.Campaign) with { Id = queue.Campaign.Id, CreatedAt = queue.Campaign.CreatedAt };
        QualitySettingsRules.Validate(updated);
        await _writer.WriteAsync(() => _collections.Campaigns.Upsert(updated));
        queue.ReplaceSettings(updated);
        return updated;
    }

    private CampaignQueue Register(Campaign campaign)
    {
        var queue = new CampaignQueue(campaign, _collections, _writer, _time);
        if (!_queues.TryAdd(campaign.Id, queue)) throw new StoreConflictException($"campaign '{campaign.Id}' already exists");
        queue.Changed += q => Changed?.Invoke(q);
        return queue;
    }
}
