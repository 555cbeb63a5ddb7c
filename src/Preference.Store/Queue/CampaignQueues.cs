using System.Collections.Concurrent;
using Preference.Core.Datasets;
using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Documents;
using Preference.Store.Errors;
using Preference.Store.Identity;
using Preference.Store.Validation;

namespace Preference.Store.Queue;

/// <summary>All campaigns: creating them, importing prompts into them, and each one's <see cref="CampaignQueue"/>.</summary>
public sealed class CampaignQueues
{
    private readonly PreferenceCollections _collections;
    private readonly StoreWriter _writer;
    private readonly TimeProvider _time;
    private readonly OfferIds _offerIds;
    private readonly ConcurrentDictionary<string, CampaignQueue> _queues = new();

    /// <summary>Import items stored per write: small enough that a submission queued behind one waits milliseconds.</summary>
    public const int ImportChunkItems = 500;

    internal CampaignQueues(PreferenceCollections collections, StoreWriter writer, TimeProvider time, OfferIds offerIds)
    {
        _collections = collections;
        _writer = writer;
        _time = time;
        _offerIds = offerIds;
        foreach (var campaign in collections.Campaigns.All()) Register(campaign).Load();
    }

    /// <summary>Raised after any campaign's submissions change (the server pushes progress from it).</summary>
    public event Action<CampaignQueue>? Changed;

    public IReadOnlyList<Campaign> All() => _queues.Values.Select(q => q.Campaign).OrderBy(c => c.CreatedAt).ToList();

    public CampaignQueue Get(string campaignId) =>
        _queues.TryGetValue(campaignId, out var queue) ? queue : throw new StoreNotFoundException($"campaign '{campaignId}' does not exist");

    public async Task<Campaign> CreateAsync(Campaign draft)
    {
        InputLimits.Required(draft.Name, "name");
        InputLimits.Optional(draft.Id, "id");
        InputLimits.Optional(draft.Guidelines, "guidelines", InputLimits.MaxGuidelinesLength);
        if (draft.ResponsesPerTask is < 2 or > 9) throw new StoreValidationException("responsesPerTask", "must be 2..9");
        if (draft.Overlap is < 1 or > 100) throw new StoreValidationException("overlap", "must be 1..100");
        if (draft.ReservationTimeout <= TimeSpan.Zero || draft.ReservationTimeout > InputLimits.MaxReservation)
            throw new StoreValidationException("reservationTimeout", $"must be positive and at most {InputLimits.MaxReservation.TotalDays} days");
        if (draft.AllowedAnnotatorIds is { Count: > InputLimits.MaxAllowedAnnotators } allowed)
            throw new StoreValidationException("allowedAnnotatorIds", $"must list at most {InputLimits.MaxAllowedAnnotators} annotators, got {allowed.Count}");
        if (draft.AllowedAnnotatorIds?.Any(string.IsNullOrWhiteSpace) == true)
            throw new StoreValidationException("allowedAnnotatorIds", "holds an empty or null annotator id");
        QualitySettingsRules.Validate(draft);
        var campaign = draft with
        {
            Id = Slug.Unique(string.IsNullOrWhiteSpace(draft.Id) ? draft.Name : draft.Id, id => _queues.ContainsKey(id)),
            CreatedAt = _time.GetUtcNow(),
        };
        var queue = Register(campaign);
        try
        {
            await _writer.WriteAsync(() => _collections.Campaigns.Upsert(queue.Campaign));
        }
        catch
        {
            _queues.TryRemove(campaign.Id, out _);
            throw;
        }
        return queue.Campaign;
    }

    /// <summary>
    /// Stores prompts, completions and one task per item (its first k completions). The records go to the writer in
    /// chunks of <see cref="ImportChunkItems"/>, each committed alone, so annotators' submissions commit between the
    /// chunks instead of waiting for the whole file (one 20k-line transaction held every write for seconds). The
    /// tasks join the queue only once every chunk is stored, and a failed chunk deletes the chunks before it, so a
    /// failed import leaves nothing behind. <paramref name="progress"/> hears the number of items stored after each
    /// chunk, before the next chunk is queued. Returns the number of tasks created.
    /// </summary>
    /// <param name="goldRankings">
    /// For a gold import, each item's known ranking as tiers of indices into its completions (best first); the tasks
    /// become gold tasks with the import. Check them with <see cref="QualitySettingsRules.GoldIndices"/> first.
    /// </param>
    public async Task<int> ImportAsync(string campaignId, IReadOnlyList<ImportItem> items, string source,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default,
        IReadOnlyList<IReadOnlyList<IReadOnlyList<int>>>? goldRankings = null, string importedBy = "")
    {
        InputLimits.Optional(source, "source");
        var queue = Get(campaignId);
        var k = queue.Campaign.ResponsesPerTask;
        long sequence = queue.ReserveSequences(items.Count);
        var prompts = new List<Prompt>(items.Count);
        var completionsByPrompt = new Dictionary<string, List<Completion>>(items.Count);
        var tasks = new List<AnnotationTask>(items.Count);
        var gold = new Dictionary<string, GoldRanking>();
        var now = _time.GetUtcNow();
        foreach (var item in items)
        {
            var promptId = SortableId.New();
            prompts.Add(new Prompt { Id = promptId, Text = item.PromptText, Messages = item.PromptMessages, Source = source, CreatedAt = now });
            var ids = new List<string>();
            var completions = completionsByPrompt[promptId] = [];
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
        int stored = 0;
        try
        {
            for (int at = 0; at < tasks.Count; at += ImportChunkItems)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = new Range(at, Math.Min(at + ImportChunkItems, tasks.Count));
                var chunkPrompts = prompts[chunk];
                var chunkTasks = tasks[chunk];
                var chunkCompletions = chunkTasks.SelectMany(t => completionsByPrompt[t.PromptId]).ToList();
                var chunkGold = chunkTasks.Where(t => gold.ContainsKey(t.Id)).Select(t => gold[t.Id]).ToList();
                await _writer.WriteAsync(() =>
                {
                    _collections.Prompts.Insert(chunkPrompts);
                    _collections.Completions.Insert(chunkCompletions);
                    _collections.Tasks.Insert(chunkTasks);
                    if (chunkGold.Count > 0) _collections.Gold.Insert(chunkGold);
                }, bulk: true);
                stored = chunk.End.Value;
                progress?.Report(stored);
            }
        }
        catch
        {
            if (stored > 0) await DeleteImportedAsync(prompts[..stored], tasks[..stored], completionsByPrompt);
            throw;
        }
        foreach (var task in tasks) queue.AddTask(task, gold.GetValueOrDefault(task.Id));
        return tasks.Count;
    }

    /// <summary>Changes a campaign's quality settings (gold rate, review threshold, suggestion judge and holdout, queue order).</summary>
    public async Task<Campaign> UpdateSettingsAsync(string campaignId, Func<Campaign, Campaign> change)
    {
        var queue = Get(campaignId);
        var updated = change(queue.Campaign) with { Id = queue.Campaign.Id, CreatedAt = queue.Campaign.CreatedAt };
        QualitySettingsRules.Validate(updated);
        await _writer.WriteAsync(() => _collections.Campaigns.Upsert(updated));
        queue.ReplaceSettings(updated);
        return updated;
    }

    /// <summary>Undoes the chunks of a failed import; they never joined the queue, so nobody was offered them.</summary>
    private async Task DeleteImportedAsync(List<Prompt> prompts, List<AnnotationTask> tasks, Dictionary<string, List<Completion>> completionsByPrompt)
    {
        for (int at = 0; at < tasks.Count; at += ImportChunkItems)
        {
            var chunk = new Range(at, Math.Min(at + ImportChunkItems, tasks.Count));
            await _writer.WriteAsync(() =>
            {
                foreach (var task in tasks[chunk])
                {
                    _collections.Tasks.Delete(task.Id);
                    _collections.Gold.Delete(task.Id);
                }
                foreach (var prompt in prompts[chunk])
                {
                    _collections.Prompts.Delete(prompt.Id);
                    foreach (var completion in completionsByPrompt[prompt.Id]) _collections.Completions.Delete(completion.Id);
                }
            }, bulk: true);
        }
    }

    private CampaignQueue Register(Campaign campaign)
    {
        // A null list (a client's "allowedAnnotatorIds": null, or a record written so) means what an empty one does:
        // everyone. Normalised here, so no later check of a campaign can meet a null.
        campaign = campaign with { AllowedAnnotatorIds = campaign.AllowedAnnotatorIds ?? [] };
        var queue = new CampaignQueue(campaign, _collections, _writer, _time, _offerIds);
        if (!_queues.TryAdd(campaign.Id, queue)) throw new StoreConflictException($"campaign '{campaign.Id}' already exists");
        queue.Changed += q => Changed?.Invoke(q);
        return queue;
    }
}
