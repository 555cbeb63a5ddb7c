using Preference.Core.Domain;

namespace Preference.Store.Queue;

/// <summary>The live queue state of one task; guarded by its campaign's lock.</summary>
internal sealed class TaskState(AnnotationTask task)
{
    public AnnotationTask Task { get; } = task;
    public HashSet<string> Submitted { get; } = [];
    public HashSet<string> Skipped { get; } = [];
    /// <summary>Reservations not yet submitted or skipped, by annotator; they may have expired.</summary>
    public Dictionary<string, Assignment> Reserved { get; } = [];

    public int ActiveReservationsExcept(string annotatorId, DateTimeOffset now) =>
        Reserved.Count(r => r.Key != annotatorId && r.Value.ExpiresAt > now);

    public bool HasSeen(string annotatorId) => Submitted.Contains(annotatorId) || Skipped.Contains(annotatorId);

    /// <summary>Prompt and completions, read once when first offered and dropped when the task closes.</summary>
    public TaskContent? Content { get; set; }
}
