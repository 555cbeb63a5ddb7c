using Preference.Core.Domain;
using Preference.Store.Errors;

namespace Preference.Store.Queue;

/// <summary>
/// The assignment rules of one campaign, kept in memory (the server owns the file, so memory and disk cannot
/// drift) and written through before any caller is answered. All decisions happen under one lock per campaign;
/// the durable write happens outside it and is undone in memory if it fails.
/// </summary>
public sealed class CampaignQueue
{
    private readonly object _lock = new();
    private readonly PreferenceCollections _collections;
    private readonly StoreWriter _writer;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, TaskState> _tasks = [];
    private readonly SortedSet<TaskState> _open = new(QueueOrder.Instance);
    private readonly Dictionary<string, Annotation> _lastByAnnotator = [];
    private readonly Dictionary<string, int> _countByAnnotator = [];
    // An annotator holds at most one live reservation per campaign (next returns it again), so index it.
    private readonly Dictionary<string, TaskState> _heldBy = [];
    private int _annotations;
    private long _nextSequence;

    internal CampaignQueue(Campaign campaign, PreferenceCollections collections, StoreWriter writer, TimeProvider time)
    {
        Campaign = campaign;
        _collections = collections;
        _writer = writer;
        _time = time;
    }

    public Campaign Campaign { get; }

    /// <summary>Raised after a submission or edit is durable; the server turns it into a progress push.</summary>
    public event Action<CampaignQueue>? Changed;

    internal void Load()
    {
        foreach (var task in _collections.Tasks.FindBy("campaignId", Campaign.Id).OrderBy(t => t.Sequence)) AddTask(task);
        foreach (var a in _collections.Assignments.FindBy("campaignId", Campaign.Id))
        {
            if (!_tasks.TryGetValue(a.TaskId, out var state)) continue;
            if (a.State == AssignmentState.Reserved)
            {
                state.Reserved[a.AnnotatorId] = a;
                if (!_heldBy.TryGetValue(a.AnnotatorId, out var other) || other.Reserved[a.AnnotatorId].ReservedAt < a.ReservedAt)
                    _heldBy[a.AnnotatorId] = state;
            }
            else if (a.State == AssignmentState.Skipped) state.Skipped.Add(a.AnnotatorId);
        }
        foreach (var annotation in _collections.Annotations.FindBy("campaignId", Campaign.Id).OrderBy(a => a.SubmittedAt))
        {
            if (!_tasks.TryGetValue(annotation.TaskId, out var state)) continue;
            _open.Remove(state);
            state.Submitted.Add(annotation.AnnotatorId);
            state.Reserved.Remove(annotation.AnnotatorId);
            Reopen(state);
            CountSubmission(annotation);
        }
    }

    internal void AddTask(AnnotationTask task)
    {
        lock (_lock)
        {
            var state = new TaskState(task);
            _tasks[task.Id] = state;
            _open.Add(state);
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
    public async Task<TaskOffer?> NextAsync(string annotatorId, CancellationToken cancellationToken = default)
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
                return Offer(held, live);

            chosen = _open.FirstOrDefault(t => !t.HasSeen(annotatorId)
                && t.Submitted.Count + t.ActiveReservationsExcept(annotatorId, now) < Campaign.Overlap)!;
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
            };
            chosen.Reserved[annotatorId] = assignment;
            _heldBy[annotatorId] = chosen;
        }
        try
        {
            await _writer.WriteAsync(() => _collections.Assignments.Upsert(assignment)).WaitAsync(cancellationToken);
        }
        catch
        {
            lock (_lock)
            {
                if (previous is null) chosen.Reserved.Remove(annotatorId);
                else chosen.Reserved[annotatorId] = previous;
            }
            throw;
        }
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
                state.Reserved[annotatorId] = skipped with { State = AssignmentState.Reserved };
            }
            throw;
        }
    }

    /// <summary>Records a ranking of a task this annotator was given. Late (expired) submissions are accepted: work is never thrown away.</summary>
    public async Task<Annotation> SubmitAsync(Annotator annotator, Submission submission)
    {
        Annotation annotation;
        Assignment done;
        TaskState state;
        lock (_lock)
        {
            state = FindTask(submission.TaskId);
            if (state.Submitted.Contains(annotator.Id))
                throw new StoreConflictException($"task '{submission.TaskId}' is already submitted; edit it with PUT .../annotations/last");
            if (!state.Reserved.TryGetValue(annotator.Id, out var reserved))
                throw new StoreConflictException($"task '{submission.TaskId}' is not reserved by you; fetch it with POST .../next first");
            SubmissionRules.Validate(submission, reserved.ShownOrder);
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
            done = reserved with { State = AssignmentState.Submitted };
            _open.Remove(state);
            state.Reserved.Remove(annotator.Id);
            state.Submitted.Add(annotator.Id);
            Reopen(state);
        }
        try
        {
            await _writer.WriteAsync(() =>
            {
                _collections.Annotations.Upsert(annotation);
                _collections.Assignments.Upsert(done);
            });
        }
        catch
        {
            lock (_lock)
            {
                _open.Remove(state);
                state.Submitted.Remove(annotator.Id);
                state.Reserved[annotator.Id] = done with { State = AssignmentState.Reserved };
                Reopen(state);
            }
            throw;
        }
        lock (_lock) CountSubmission(annotation);
        Changed?.Invoke(this);
        return annotation;
    }

    /// <summary>Replaces the ranking of the caller's most recent submission in this campaign (and only that one).</summary>
    public async Task<Annotation> EditLastAsync(Annotator annotator, Submission submission)
    {
        Annotation edited;
        lock (_lock)
        {
            if (!_lastByAnnotator.TryGetValue(annotator.Id, out var last))
                throw new StoreNotFoundException("you have no submission in this campaign to edit");
            if (last.TaskId != submission.TaskId)
                throw new StoreValidationException("taskId", $"only your last submission (task '{last.TaskId}') can be edited");
            SubmissionRules.Validate(submission, last.ShownOrder);
            edited = last with
            {
                Ranking = submission.Ranking,
                Scores = submission.Scores,
                Rationale = submission.Rationale,
                TimeSpentMs = last.TimeSpentMs + submission.TimeSpentMs,
                Metadata = submission.Metadata ?? last.Metadata,
                EditedAt = _time.GetUtcNow(),
            };
        }
        await _writer.WriteAsync(() => _collections.Annotations.Upsert(edited));
        lock (_lock) _lastByAnnotator[annotator.Id] = edited;
        Changed?.Invoke(this);
        return edited;
    }

    public Annotation? LastOf(string annotatorId)
    {
        lock (_lock) return _lastByAnnotator.GetValueOrDefault(annotatorId);
    }

    public CampaignProgress Progress()
    {
        lock (_lock)
        {
            int done = _tasks.Values.Count(t => t.Submitted.Count >= Campaign.Overlap);
            return new CampaignProgress(Campaign.Id, _tasks.Count, done, _annotations, new Dictionary<string, int>(_countByAnnotator));
        }
    }

    /// <summary>Tasks this annotator could still be given (for their progress bar).</summary>
    public int RemainingFor(string annotatorId)
    {
        lock (_lock)
            return _open.Count(t => !t.HasSeen(annotatorId));
    }

    private TaskState FindTask(string taskId) =>
        _tasks.TryGetValue(taskId, out var state) ? state : throw new StoreNotFoundException($"task '{taskId}' is not in campaign '{Campaign.Id}'");

    private void Reopen(TaskState state)
    {
        if (state.Submitted.Count < Campaign.Overlap) _open.Add(state);
    }

    private void CountSubmission(Annotation annotation)
    {
        _annotations++;
        _countByAnnotator[annotation.AnnotatorId] = _countByAnnotator.GetValueOrDefault(annotation.AnnotatorId) + 1;
        if (!_lastByAnnotator.TryGetValue(annotation.AnnotatorId, out var last) || last.SubmittedAt <= annotation.SubmittedAt)
            _lastByAnnotator[annotation.AnnotatorId] = annotation;
    }

    private TaskOffer Offer(TaskState state, Assignment assignment)
    {
        var completions = assignment.ShownOrder
            .Select(id => _collections.Completions.Get(id) ?? throw new InvalidDataException($"completion '{id}' is missing"))
            .Select(c => new ShownCompletion(c.Id, c.Text, c.Messages))
            .ToList();
        return new TaskOffer
        {
            TaskId = state.Task.Id,
            CampaignId = Campaign.Id,
            AssignmentId = assignment.Id,
            Prompt = _collections.Prompts.Get(state.Task.PromptId) ?? throw new InvalidDataException($"prompt '{state.Task.PromptId}' is missing"),
            Completions = completions,
            ExpiresAt = assignment.ExpiresAt,
        };
    }
}
