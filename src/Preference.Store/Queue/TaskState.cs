using Preference.Core.Domain;
using Preference.Core.Prioritization;

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

    /// <summary>The known ranking when this is a gold task: then every annotator may get it once, and it never closes.</summary>
    public GoldRanking? Gold { get; set; }

    /// <summary>The campaign's suggestion judge's annotation of this task, once the judge has ranked it.</summary>
    public Annotation? Suggestion { get; set; }

    /// <summary>The reward model's score per stored completion id, once uploaded; never part of an offer.</summary>
    public IReadOnlyDictionary<string, double>? Scores { get; set; }

    /// <summary>
    /// Its place in the campaign's queue order; part of the open set's sort key, so change it only while the task is
    /// out of that set (see CampaignQueue.Reprioritise).
    /// </summary>
    public LabelPriority Priority { get; set; }

    /// <summary>Prompt and completions, read once when first offered and dropped when the task closes.</summary>
    public TaskContent? Content { get; set; }
}
