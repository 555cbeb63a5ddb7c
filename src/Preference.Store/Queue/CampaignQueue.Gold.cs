using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Errors;

namespace Preference.Store.Queue;

/// <summary>
/// Gold tasks: tasks with a known ranking, mixed into every annotator's queue at the campaign's gold rate. They are
/// kept apart from the open set (every annotator may rank each one once, so they never close) and offered exactly
/// like other tasks: same offer, same assignment id, no database read beyond the first (their content stays cached).
/// </summary>
public sealed partial class CampaignQueue
{
    private readonly List<TaskState> _gold = [];
    // How many gold tasks each annotator has submitted or skipped: they count in RemainingFor like any task.
    private readonly Dictionary<string, int> _goldSeen = [];

    /// <summary>Marks a task nobody has ranked yet as gold, with its known ranking. Durable before it returns.</summary>
    public async Task<GoldRanking> MarkGoldAsync(string taskId, Ranking ranking, string createdBy)
    {
        GoldRanking gold;
        TaskState state;
        bool wasOpen;
        lock (_lock)
        {
            state = FindTask(taskId);
            if (ranking.Validate(state.Task.CompletionIds) is { } problem) throw new StoreValidationException("ranking", problem);
            if (state.Gold is not null) throw new StoreConflictException($"task '{taskId}' is already gold");
            if (state.Submitted.Count > 0)
                throw new StoreConflictException($"task '{taskId}' already has annotations; only a task nobody has ranked can become gold");
            gold = new GoldRanking { TaskId = taskId, CampaignId = Campaign.Id, Ranking = ranking, CreatedBy = createdBy, CreatedAt = _time.GetUtcNow() };
            wasOpen = _open.Remove(state);
            MoveToGold(state, gold);
        }
        try
        {
            await _writer.WriteAsync(() => _collections.Gold.Insert(gold));
        }
        catch
        {
            lock (_lock)
            {
                _gold.Remove(state);
                state.Gold = null;
                foreach (var skipper in state.Skipped)
                {
                    Bump(_goldSeen, skipper, -1);
                    Bump(_seenOpen, skipper, +1);
                }
                if (wasOpen) _open.Add(state);
            }
            throw;
        }
        return gold;
    }

    /// <summary>The gold rankings of this campaign, by task id.</summary>
    public IReadOnlyDictionary<string, GoldRanking> GoldRankings()
    {
        lock (_lock) return _gold.ToDictionary(s => s.Task.Id, s => s.Gold!);
    }

    private void MoveToGold(TaskState state, GoldRanking gold)
    {
        state.Gold = gold;
        _gold.Add(state);
        foreach (var skipper in state.Skipped)
        {
            Bump(_seenOpen, skipper, -1);
            Bump(_goldSeen, skipper, +1);
        }
    }

    /// <summary>
    /// A gold task this annotator has not seen: with probability GoldRate on an ordinary fetch, or whenever
    /// <paramref name="nothingElseLeft"/>. Starts at a random gold task so annotators do not all get the same one
    /// first. Call under the lock.
    /// </summary>
    private TaskState? GoldToMixIn(string annotatorId, bool nothingElseLeft)
    {
        if (_gold.Count == 0) return null;
        if (!nothingElseLeft && (Campaign.GoldRate <= 0 || Random.Shared.NextDouble() >= Campaign.GoldRate)) return null;
        int start = Random.Shared.Next(_gold.Count);
        for (int i = 0; i < _gold.Count; i++)
        {
            var candidate = _gold[(start + i) % _gold.Count];
            if (!candidate.HasSeen(annotatorId)) return candidate;
        }
        return null;
    }

    /// <summary>Which of this task's per-annotator counters a skip or submission moves.</summary>
    private Dictionary<string, int> SeenCounter(TaskState state) => state.Gold is null ? _seenOpen : _goldSeen;

    private void MarkGoldSubmitted(TaskState state, string annotatorId)
    {
        state.Reserved.Remove(annotatorId);
        if (state.Submitted.Add(annotatorId) && !state.Skipped.Contains(annotatorId)) Bump(_goldSeen, annotatorId, +1);
    }

    private void UnmarkGoldSubmitted(TaskState state, string annotatorId)
    {
        if (state.Submitted.Remove(annotatorId) && !state.Skipped.Contains(annotatorId)) Bump(_goldSeen, annotatorId, -1);
    }
}
