using Preference.Core.Domain;
using Preference.Core.Prioritization;
using Preference.Store.Errors;

namespace Preference.Store.Queue;

/// <summary>
/// Queue orders: each open task's <see cref="TaskState.Priority"/> under the campaign's <see cref="QueueOrder"/>,
/// recomputed when what it depends on changes (uploaded scores, the suggestion judge's ranking, the settings). The
/// priority is part of the open set's sort key, so a task leaves the set while it changes and rejoins after; an offer
/// costs the same whatever the order.
/// </summary>
public sealed partial class CampaignQueue
{
    // One upload at a time: two uploads of the same task must reach memory in the order they reached the disk.
    private readonly SemaphoreSlim _scoreUploads = new(1, 1);

    /// <summary>
    /// Stores a reward model's scores for some of this campaign's tasks (a task scored before gets the new ones) and
    /// reorders the queue. Every entry is checked before anything is written: the first bad one throws naming it
    /// (<c>tasks[i].taskId</c>, <c>tasks[i].completionScores.ID</c>) and nothing is stored. Returns how many were stored.
    /// </summary>
    public async Task<int> SetScoresAsync(IReadOnlyList<TaskScores> uploads)
    {
        await _scoreUploads.WaitAsync();
        try
        {
            return await StoreScoresAsync(uploads);
        }
        finally
        {
            _scoreUploads.Release();
        }
    }

    private async Task<int> StoreScoresAsync(IReadOnlyList<TaskScores> uploads)
    {
        var now = _time.GetUtcNow();
        var documents = new List<TaskScores>(uploads.Count);
        lock (_lock)
        {
            var seen = new HashSet<string>();
            for (int i = 0; i < uploads.Count; i++)
            {
                var upload = uploads[i] ?? throw new StoreValidationException($"tasks[{i}]", "is null");
                if (string.IsNullOrEmpty(upload.TaskId)) throw new StoreValidationException($"tasks[{i}].taskId", "is required");
                if (!_tasks.TryGetValue(upload.TaskId, out var state))
                    throw new StoreValidationException($"tasks[{i}].taskId", $"'{upload.TaskId}' is not a task of campaign '{Campaign.Id}'");
                if (!seen.Add(upload.TaskId)) throw new StoreValidationException($"tasks[{i}].taskId", $"'{upload.TaskId}' appears more than once");
                var scores = upload.CompletionScores ?? throw new StoreValidationException($"tasks[{i}].completionScores", "is required");
                foreach (var (completionId, score) in scores)
                {
                    if (!state.Task.CompletionIds.Contains(completionId))
                        throw new StoreValidationException($"tasks[{i}].completionScores.{completionId}", $"is not a completion of task '{upload.TaskId}'");
                    if (!double.IsFinite(score))
                        throw new StoreValidationException($"tasks[{i}].completionScores.{completionId}", "must be a finite number");
                }
                if (scores.Count != state.Task.CompletionIds.Count)
                    throw new StoreValidationException($"tasks[{i}].completionScores",
                        $"scores {scores.Count} of the task's {state.Task.CompletionIds.Count} completions; score every one " +
                        $"(missing: {string.Join(", ", state.Task.CompletionIds.Where(id => !scores.ContainsKey(id)))})");
                documents.Add(new TaskScores
                {
                    TaskId = upload.TaskId, CampaignId = Campaign.Id, UploadedAt = now,
                    CompletionScores = new Dictionary<string, double>(scores),
                });
            }
        }
        await _writer.WriteAsync(() =>
        {
            foreach (var document in documents) _collections.TaskScores.Upsert(document);
        }, bulk: true);
        lock (_lock)
            foreach (var document in documents)
            {
                var state = _tasks[document.TaskId];
                state.Scores = document.CompletionScores;
                Reprioritise(state);
            }
        return documents.Count;
    }

    /// <summary>A page of the campaign's ordinary (non-gold) tasks in import order, from memory (a page costs no scan of the store).</summary>
    public IReadOnlyList<AnnotationTask> OrdinaryTasks(int offset, int limit)
    {
        lock (_lock)
            return _tasks.Values.Where(t => t.Gold is null).Select(t => t.Task).OrderBy(t => t.Sequence).Skip(offset).Take(limit).ToList();
    }

    /// <summary>The uploaded scores of this campaign's tasks, by task id (for admins; never in an offer).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Scores()
    {
        lock (_lock) return _tasks.Values.Where(t => t.Scores is not null).ToDictionary(t => t.Task.Id, t => t.Scores!);
    }

    /// <summary>Records the suggestion judge's ranking of a task, which the judge-disagreement order reads; call under the lock.</summary>
    private void SetSuggestion(TaskState state, Annotation? judged)
    {
        state.Suggestion = judged;
        if (Campaign.QueueOrder == QueueOrder.JudgeDisagreement) Reprioritise(state);
    }

    private LabelPriority PriorityOf(TaskState state) =>
        LabelPriority.For(Campaign.QueueOrder, Campaign.Id, state.Task.Id, state.Scores, state.Suggestion?.Ranking);

    /// <summary>Recomputes one task's priority, taking it out of the open set while its sort key changes; call under the lock.</summary>
    private void Reprioritise(TaskState state)
    {
        bool open = _open.Remove(state);
        state.Priority = PriorityOf(state);
        if (open) _open.Add(state);
    }

    /// <summary>Recomputes every task's priority (after loading, or when the order or its judge changes); call under the lock.</summary>
    private void ReprioritiseAll()
    {
        var open = _open.ToList();
        _open.Clear();
        foreach (var state in _tasks.Values) state.Priority = PriorityOf(state);
        foreach (var state in open) _open.Add(state);
    }
}
