using Preference.Core.Api;
using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Documents;
using Preference.Store.Errors;

namespace Preference.Store.Queue;

/// <summary>
/// The assignment rules of one campaign, kept in memory (the server owns the file, so memory and disk cannot
/// drift) and written through before any caller is answered. All decisions happen under one lock per campaign;
/// the durable write happens outside it and is undone in memory if it fails.
/// </summary>
public sealed partial class CampaignQueue
{
    // How many tasks' prompts and completions one read brings in (see LoadContentAhead).
    private const int ContentReadAhead = 32;
    private readonly object _lock = new();
    private readonly PreferenceCollections _collections;
    private readonly StoreWriter _writer;
    private readonly TimeProvider _time;
    private readonly OfferIds _offerIds;
    private readonly Dictionary<string, TaskState> _tasks = [];
    private readonly SortedSet<TaskState> _open = new(OpenTaskOrder.Instance);
    private readonly Dictionary<string, Annotation> _lastByAnnotator = [];
    private readonly Dictionary<string, int> _countByAnnotator = [];
    // An annotator holds at most one live reservation per campaign (next returns it again), so index it.
    private readonly Dictionary<string, TaskState> _heldBy = [];
    private int _annotations;
    private int _tasksDone;
    // How many still-open tasks each annotator has already submitted or skipped: remaining = open - this.
    private readonly Dictionary<string, int> _seenOpen = [];
    private long _nextSequence;

    internal CampaignQueue(Campaign campaign, PreferenceCollections collections, StoreWriter writer, TimeProvider time, OfferIds offerIds)
    {
        Campaign = campaign;
        _collections = collections;
        _writer = writer;
        _time = time;
        _offerIds = offerIds;
    }

    /// <summary>The campaign's settings; replaced whole (never mutated) when an admin changes them.</summary>
    public Campaign Campaign { get; private set; }

    /// <summary>Raised after a submission or edit is durable; the server turns it into a progress push.</summary>
    public event Action<CampaignQueue>? Changed;

    internal void Load()
    {
        var gold = _collections.Gold.FindBy("campaignId", Campaign.Id).ToDictionary(g => g.TaskId);
        foreach (var task in _collections.Tasks.FindBy("campaignId", Campaign.Id).OrderBy(t => t.Sequence)) AddTask(task, gold.GetValueOrDefault(task.Id));
        foreach (var a in _collections.Assignments.FindBy("campaignId", Campaign.Id))
        {
            if (!_tasks.TryGetValue(a.TaskId, out var state)) continue;
            if (a.State == AssignmentState.Reserved)
            {
                state.Reserved[a.AnnotatorId] = a;
                if (!_heldBy.TryGetValue(a.AnnotatorId, out var other) || other.Reserved[a.AnnotatorId].ReservedAt < a.ReservedAt)
                    _heldBy[a.AnnotatorId] = state;
            }
            else if (a.State == AssignmentState.Skipped)
            {
                state.Skipped.Add(a.AnnotatorId);
                Bump(SeenCounter(state), a.AnnotatorId, +1);
            }
        }
        foreach (var annotation in _collections.Annotations.FindBy("campaignId", Campaign.Id).OrderBy(a => a.SubmittedAt))
        {
            if (!_tasks.TryGetValue(annotation.TaskId, out var state)) continue;
            MarkSubmitted(state, annotation.AnnotatorId);
            CountSubmission(annotation);
            if (annotation.AnnotatorId == Campaign.SuggestionJudgeId) state.Suggestion = annotation;
        }
        foreach (var scores in _collections.TaskScores.FindBy("campaignId", Campaign.Id))
            if (_tasks.TryGetValue(scores.TaskId, out var state)) state.Scores = scores.CompletionScores;
        lock (_lock) ReprioritiseAll();
    }

    internal void AddTask(AnnotationTask task, GoldRanking? gold = null)
    {
        lock (_lock)
        {
            var state = new TaskState(task) { Gold = gold };
            state.Priority = PriorityOf(state);
            _tasks[task.Id] = state;
            if (gold is null) _open.Add(state);
            else _gold.Add(state);
            _nextSequence = Math.Max(_nextSequence, task.Sequence + 1);
        }
    }

    internal long ReserveSequences(int count)
    {
        lock (_lock)
        {
            long first = _nextSequence;
            _nextSequence += count;
            return first;
        }
    }

    /// <summary>
    /// The next task for <paramref name="annotatorId"/>: their own unexpired reservation if they have one (a reload
    /// loses nothing), else the open task closest to its overlap that they have never seen. Null when none is left.
    /// </summary>
    public Task<TaskOffer?> NextAsync(string annotatorId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Next(annotatorId));

    private TaskOffer? Next(string annotatorId)
    {
        if (!Campaign.Allows(annotatorId)) throw new StoreNotFoundException($"campaign '{Campaign.Id}' is not open to you");
        Assignment assignment;
        Assignment? previous;
        TaskState chosen;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_heldBy.TryGetValue(annotatorId, out var held)
                && held.Reserved.TryGetValue(annotatorId, out var live) && live.ExpiresAt > now)
            {
                chosen = held;
                assignment = live;
                goto offer;
            }

            chosen = GoldToMixIn(annotatorId, nothingElseLeft: false)
                ?? _open.FirstOrDefault(t => !t.HasSeen(annotatorId)
                    && t.Submitted.Count + t.ActiveReservationsExcept(annotatorId, now) < Campaign.Overlap)
                ?? GoldToMixIn(annotatorId, nothingElseLeft: true)!;
            if (chosen is null) return null;

            var order = chosen.Task.CompletionIds.ToArray();
            Random.Shared.Shuffle(order);
            chosen.Reserved.TryGetValue(annotatorId, out previous);
            assignment = new Assignment
            {
                // Re-reserving after expiry keeps the id, so the stored order stays one record per annotator and task.
                Id = previous?.Id ?? $"{chosen.Task.Id}:{annotatorId}",
                TaskId = chosen.Task.Id,
                CampaignId = Campaign.Id,
                AnnotatorId = annotatorId,
                ShownOrder = order,
                ReservedAt = now,
                ExpiresAt = now + Campaign.ReservationTimeout,
                Suggestion = SuggestionStateFor(chosen, annotatorId),
            };
            chosen.Reserved[annotatorId] = assignment;
            _heldBy[annotatorId] = chosen;
        }
        // The reservation is queued for the writer but not awaited: losing it in a crash only returns the task to
        // the queue, and the writer commits in order, so it is on disk before any submission that follows it.
        _ = _writer.WriteAsync(() => _collections.Assignments.Upsert(assignment)).ContinueWith(failed =>
        {
            lock (_lock)
            {
                if (previous is null) chosen.Reserved.Remove(annotatorId);
                else chosen.Reserved[annotatorId] = previous;
            }
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        offer:
        return Offer(chosen, assignment);
    }

    /// <summary>Gives a reserved task back; this annotator will not be offered it again.</summary>
    public async Task SkipAsync(string annotatorId, string taskId)
    {
        Assignment skipped;
        TaskState state;
        lock (_lock)
        {
            state = FindTask(taskId);
            if (state.Submitted.Contains(annotatorId)) throw new StoreConflictException($"task '{taskId}' is already submitted");
            if (!state.Reserved.Remove(annotatorId, out var reserved))
                throw new StoreConflictException($"task '{taskId}' is not reserved by you");
            skipped = reserved with { State = AssignmentState.Skipped };
            state.Skipped.Add(annotatorId);
            Bump(SeenCounter(state), annotatorId, +1);
        }
        try
        {
            await _writer.WriteAsync(() => _collections.Assignments.Upsert(skipped));
        }
        catch
        {
            lock (_lock)
            {
                state.Skipped.Remove(annotatorId);
                Bump(SeenCounter(state), annotatorId, -1);
                state.Reserved[annotatorId] = skipped with { State = AssignmentState.Reserved };
            }
            throw;
        }
    }

    /// <summary>
    /// Records a ranking of a task this annotator was given, in the response ids of its offer (see <see cref="OfferIds"/>);
    /// returns the annotation as the annotator sees it. Late (expired) submissions are accepted: work is never thrown away.
    /// </summary>
    public async Task<Annotation> SubmitAsync(Annotator annotator, Submission submission)
    {
        SubmissionRules.RequireTask(submission);
        Annotation annotation;
        Assignment reservedBefore;
        TaskState state;
        lock (_lock)
        {
            state = FindTask(submission.TaskId);
            if (state.Submitted.Contains(annotator.Id))
                throw new StoreConflictException($"task '{submission.TaskId}' is already submitted; edit it with PUT .../annotations/last");
            if (!state.Reserved.TryGetValue(annotator.Id, out var reserved))
                throw new StoreConflictException($"task '{submission.TaskId}' is not reserved by you; fetch it with POST .../next first");
            submission = Stored(submission, reserved.Id, reserved.ShownOrder);
            annotation = new Annotation
            {
                Id = $"{submission.TaskId}:{annotator.Id}",
                TaskId = submission.TaskId,
                CampaignId = Campaign.Id,
                AnnotatorId = annotator.Id,
                AnnotatorKind = annotator.Kind,
                Ranking = submission.Ranking,
                Scores = submission.Scores,
                Rationale = submission.Rationale,
                TimeSpentMs = submission.TimeSpentMs,
                ShownOrder = reserved.ShownOrder,
                Metadata = submission.Metadata,
                SubmittedAt = _time.GetUtcNow(),
            };
            reservedBefore = reserved;
            MarkSubmitted(state, annotator.Id);
        }
        try
        {
            // The annotation alone marks the assignment submitted (loading replays annotations over reservations),
            // so one document per submission is written.
            await _writer.WriteAsync(() => _collections.Annotations.Insert(annotation));
        }
        catch
        {
            lock (_lock)
            {
                UnmarkSubmitted(state, annotator.Id);
                state.Reserved[annotator.Id] = reservedBefore;
            }
            throw;
        }
        lock (_lock)
        {
            CountSubmission(annotation);
            if (annotator.Id == Campaign.SuggestionJudgeId) SetSuggestion(state, annotation);
        }
        Changed?.Invoke(this);
        return AsOffered(annotation);
    }

    /// <summary>Replaces the ranking of the caller's most recent submission in this campaign (and only that one).</summary>
    public async Task<Annotation> EditLastAsync(Annotator annotator, Submission submission)
    {
        SubmissionRules.RequireTask(submission);
        Annotation edited;
        lock (_lock)
        {
            if (!_lastByAnnotator.TryGetValue(annotator.Id, out var last))
                throw new StoreNotFoundException("you have no submission in this campaign to edit");
            if (last.TaskId != submission.TaskId)
                throw new StoreValidationException("taskId", $"only your last submission (task '{last.TaskId}') can be edited");
            submission = Stored(submission, last.Id, last.ShownOrder);
            edited = last with
            {
                Ranking = submission.Ranking,
                Scores = submission.Scores,
                Rationale = submission.Rationale,
                // Both parts are at most a day, so the sum cannot overflow; the total is what the annotator spent.
                TimeSpentMs = last.TimeSpentMs + submission.TimeSpentMs,
                Metadata = submission.Metadata ?? last.Metadata,
                EditedAt = _time.GetUtcNow(),
            };
        }
        await _writer.WriteAsync(() => _collections.Annotations.Upsert(edited));
        lock (_lock)
        {
            _lastByAnnotator[annotator.Id] = edited;
            if (annotator.Id == Campaign.SuggestionJudgeId && _tasks.TryGetValue(edited.TaskId, out var state)) SetSuggestion(state, edited);
        }
        Changed?.Invoke(this);
        return AsOffered(edited);
    }

    /// <summary>The annotator's most recent submission here, in the response ids they were offered.</summary>
    public Annotation? LastOf(string annotatorId)
    {
        Annotation? last;
        lock (_lock) last = _lastByAnnotator.GetValueOrDefault(annotatorId);
        return last is null ? null : AsOffered(last);
    }

    /// <summary>
    /// Checks a submission against the ids its assignment offered, then swaps them for the stored completion ids.
    /// </summary>
    private Submission Stored(Submission submission, string assignmentId, IReadOnlyList<string> shownOrder)
    {
        var stored = _offerIds.Map(assignmentId, shownOrder);
        SubmissionRules.Validate(submission, stored.Keys.ToList());
        return submission with
        {
            Ranking = Translate(submission.Ranking, stored),
            Scores = submission.Scores?.ToDictionary(s => stored[s.Key], s => s.Value),
        };
    }

    /// <summary>An annotation with its stored completion ids replaced by the ids its annotator was offered.</summary>
    private Annotation AsOffered(Annotation annotation)
    {
        var offered = annotation.ShownOrder.ToDictionary(id => id, id => _offerIds.For(annotation.Id, id));
        return annotation with
        {
            Ranking = Translate(annotation.Ranking, offered),
            Scores = annotation.Scores?.ToDictionary(s => offered[s.Key], s => s.Value),
            ShownOrder = annotation.ShownOrder.Select(id => offered[id]).ToList(),
        };
    }

    private static Ranking Translate(Ranking ranking, Dictionary<string, string> ids) =>
        new(ranking.Tiers.Select(tier => (IReadOnlyList<string>)tier.Select(id => ids[id]).ToList()).ToList());

    public CampaignProgress Progress()
    {
        lock (_lock)
        {
            return new CampaignProgress(Campaign.Id, _tasks.Count - _gold.Count, _tasksDone, _annotations, new Dictionary<string, int>(_countByAnnotator));
        }
    }

    /// <summary>Tasks this annotator could still be given (for their progress bar).</summary>
    public int RemainingFor(string annotatorId)
    {
        lock (_lock)
            // Gold tasks count like any other (an annotator must not see the number behave differently after one).
            return _tasks.Count - _tasksDone - _seenOpen.GetValueOrDefault(annotatorId) - _goldSeen.GetValueOrDefault(annotatorId);
    }

    /// <summary>Tasks this annotator has submitted in this campaign.</summary>
    public int DoneBy(string annotatorId)
    {
        lock (_lock)
            return _countByAnnotator.GetValueOrDefault(annotatorId);
    }

    private TaskState FindTask(string taskId) =>
        _tasks.TryGetValue(taskId, out var state) ? state : throw new StoreNotFoundException($"task '{taskId}' is not in campaign '{Campaign.Id}'");

    /// <summary>Records a submission in memory, moving the task in (or out of) the open set; call under the lock.</summary>
    private void MarkSubmitted(TaskState state, string annotatorId)
    {
        if (state.Gold is not null)
        {
            MarkGoldSubmitted(state, annotatorId);
            return;
        }
        _open.Remove(state);
        state.Reserved.Remove(annotatorId);
        if (!state.Submitted.Add(annotatorId)) return;
        if (state.Submitted.Count > Campaign.Overlap) return; // a late submission on a task already closed
        if (!state.Skipped.Contains(annotatorId)) Bump(_seenOpen, annotatorId, +1);
        if (state.Submitted.Count < Campaign.Overlap)
        {
            _open.Add(state);
            return;
        }
        if (state.Submitted.Count == Campaign.Overlap)
        {
            _tasksDone++;
            foreach (var seen in state.Submitted.Union(state.Skipped)) Bump(_seenOpen, seen, -1);
            state.Content = null;
        }
    }

    private void UnmarkSubmitted(TaskState state, string annotatorId)
    {
        if (state.Gold is not null)
        {
            UnmarkGoldSubmitted(state, annotatorId);
            return;
        }
        if (state.Submitted.Count > Campaign.Overlap)
        {
            state.Submitted.Remove(annotatorId);
            return;
        }
        _open.Remove(state);
        if (state.Submitted.Count == Campaign.Overlap)
        {
            _tasksDone--;
            foreach (var seen in state.Submitted.Union(state.Skipped)) Bump(_seenOpen, seen, +1);
        }
        state.Submitted.Remove(annotatorId);
        if (!state.Skipped.Contains(annotatorId)) Bump(_seenOpen, annotatorId, -1);
        if (state.Submitted.Count < Campaign.Overlap) _open.Add(state);
    }

    private static void Bump(Dictionary<string, int> counts, string key, int by) => counts[key] = counts.GetValueOrDefault(key) + by;

    private void CountSubmission(Annotation annotation)
    {
        _annotations++;
        _countByAnnotator[annotation.AnnotatorId] = _countByAnnotator.GetValueOrDefault(annotation.AnnotatorId) + 1;
        if (!_lastByAnnotator.TryGetValue(annotation.AnnotatorId, out var last) || last.SubmittedAt <= annotation.SubmittedAt)
            _lastByAnnotator[annotation.AnnotatorId] = annotation;
    }

    private TaskOffer Offer(TaskState state, Assignment assignment)
    {
        var content = state.Content ?? LoadContentAhead(state);
        return new TaskOffer
        {
            TaskId = state.Task.Id,
            CampaignId = Campaign.Id,
            AssignmentId = assignment.Id,
            Prompt = content.Prompt,
            Completions = assignment.ShownOrder.Select(id => content.Completions[id] with { Id = _offerIds.For(assignment.Id, id) }).ToList(),
            ExpiresAt = assignment.ExpiresAt,
            Suggestion = assignment.Suggestion == SuggestionState.Shown ? SuggestionOf(state, assignment.Id) : null,
        };
    }

    /// <summary>
    /// Reads what <paramref name="first"/> shows, and what the open tasks queued right behind it show, in one query
    /// per collection: a LiteDB query costs about as much for one document as for a few dozen, and the tasks behind
    /// this one are the ones the next annotators are offered. The window follows the open set, so it is the same
    /// mechanism under every queue order: in import order its tasks are neighbours on disk and one range reads them;
    /// under a priority order they are scattered and one query looks up their ids. Content stays with its task (not
    /// with a place in the queue), so a new score upload that reorders the queue cannot show one task's content for
    /// another; it only leaves some read-ahead unused until those tasks come up.
    /// </summary>
    private TaskContent LoadContentAhead(TaskState first)
    {
        List<TaskState> window = [first];
        lock (_lock)
        {
            if (first.Content is { } loaded) return loaded;
            if (_open.Contains(first))
            {
                // Tasks already read (by a window that began earlier) are passed over, but only so many of them: the
                // walk stays bounded however much of the queue is already read.
                int walked = 0;
                foreach (var next in _open.GetViewBetween(first, _open.Max!).Skip(1))
                {
                    if (window.Count == ContentReadAhead || ++walked > 4 * ContentReadAhead) break;
                    if (next.Content is null) window.Add(next);
                }
            }
        }
        var contents = ReadContents(window);
        lock (_lock)
        {
            // A task may have closed while its content was read; a closed task keeps none (a gold task never closes).
            foreach (var (state, content) in contents)
                if (state.Content is null && (state.Gold is not null || state.Submitted.Count < Campaign.Overlap)) state.Content = content;
        }
        return contents[0].Content;
    }

    private List<(TaskState State, TaskContent Content)> ReadContents(List<TaskState> window)
    {
        var (prompts, completions) = window.Count > 1 && IdsAscend(window) ? ReadRange(window) : ([], []);
        // Scattered tasks (a priority order, or records of older stores), and any a range did not reach, by their ids.
        var unread = window.Where(s => !Holds(s.Task, prompts, completions)).ToList();
        if (unread.Count > 0)
        {
            foreach (var prompt in _collections.Prompts.GetMany(unread.Select(s => s.Task.PromptId))) prompts[prompt.Id] = prompt;
            foreach (var completion in _collections.Completions.GetMany(unread.SelectMany(s => s.Task.CompletionIds))) completions[completion.Id] = completion;
        }
        var contents = new List<(TaskState, TaskContent)>(window.Count);
        foreach (var state in window)
        {
            var task = state.Task;
            if (Holds(task, prompts, completions))
                contents.Add((state, new TaskContent(prompts[task.PromptId], task.CompletionIds.ToDictionary(id => id, id => Shown(completions[id])))));
            // Only the task being offered fails for a missing record; a task read ahead is read again when its turn comes.
            else if (state == window[0])
                throw new InvalidDataException($"task '{task.Id}' lacks its prompt or a completion ({task.PromptId}, {string.Join(", ", task.CompletionIds)})");
        }
        return contents;
    }

    private static bool Holds(AnnotationTask task, Dictionary<string, Prompt> prompts, Dictionary<string, Completion> completions) =>
        prompts.ContainsKey(task.PromptId) && task.CompletionIds.All(completions.ContainsKey);

    /// <summary>
    /// Tasks queued in import order have their records side by side in the id index (<see cref="SortableId"/>): one
    /// range per collection reads them for less than a lookup per id.
    /// </summary>
    private (Dictionary<string, Prompt>, Dictionary<string, Completion>) ReadRange(List<TaskState> window)
    {
        var (head, tail) = (window[0].Task, window[^1].Task);
        // Records of other imports made at the same time may lie in between; the limit bounds what they cost.
        var prompts = _collections.Prompts.Range(head.PromptId, tail.PromptId, limit: 4 * window.Count).ToDictionary(p => p.Id);
        var completions = _collections.Completions
            .Range(head.CompletionIds[0], tail.CompletionIds[^1], limit: 4 * window.Sum(t => t.Task.CompletionIds.Count))
            .ToDictionary(c => c.Id);
        return (prompts, completions);
    }

    /// <summary>Whether each task's prompt and completions were all made after the previous task's, in order.</summary>
    private static bool IdsAscend(List<TaskState> window)
    {
        if (window.Any(s => s.Task.CompletionIds.Count == 0)) return false;
        for (int i = 1; i < window.Count; i++)
        {
            var (previous, next) = (window[i - 1].Task, window[i].Task);
            if (string.CompareOrdinal(next.PromptId, previous.PromptId) <= 0) return false;
            string last = previous.CompletionIds[^1];
            foreach (var id in next.CompletionIds)
            {
                if (string.CompareOrdinal(id, last) <= 0) return false;
                last = id;
            }
        }
        return true;
    }

    private static ShownCompletion Shown(Completion completion) => new(completion.Id, completion.Text, completion.Messages);
}
