namespace Preference.Core.Domain;

/// <summary>A ranking job: which prompts, how many responses per task, how many annotators must rank each.</summary>
public sealed record Campaign
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>Annotation guidelines in markdown, shown beside every task.</summary>
    public string Guidelines { get; init; } = "";
    /// <summary>k: how many responses a task shows (2..9; keyboard ranks go up to 9).</summary>
    public int ResponsesPerTask { get; init; } = 2;
    /// <summary>How many distinct annotators must rank each task before it is done.</summary>
    public int Overlap { get; init; } = 1;
    /// <summary>Annotator ids allowed to work on it; empty means every annotator.</summary>
    public IReadOnlyList<string> AllowedAnnotatorIds { get; init; } = [];
    /// <summary>How long a fetched task stays reserved before it returns to the queue.</summary>
    public TimeSpan ReservationTimeout { get; init; } = TimeSpan.FromMinutes(15);
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>Share of offers (0..1) that are gold tasks the annotator has not yet seen; 0 serves gold tasks only once the rest run out.</summary>
    public double GoldRate { get; init; }
    /// <summary>
    /// A task goes to the review queue when the share of response pairs its annotators disagree on exceeds this
    /// (0..1); null keeps review off.
    /// </summary>
    public double? ReviewThreshold { get; init; }
    /// <summary>The judge (an annotator of kind Judge) whose ranking is offered as a pre-filled suggestion; null for none.</summary>
    public string? SuggestionJudgeId { get; init; }
    /// <summary>Share of tasks (0..1) served without the suggestion although one exists, to measure anchoring.</summary>
    public double SuggestionHoldout { get; init; } = 0.2;
    /// <summary>
    /// Which open task is offered next: import order (the default), random, the reward model's uncertainty, or the
    /// judge's disagreement with the reward model (the last two read scores uploaded with PUT .../task-scores).
    /// </summary>
    public QueueOrder QueueOrder { get; init; } = QueueOrder.Sequence;

    public bool Allows(string annotatorId) => AllowedAnnotatorIds.Count == 0 || AllowedAnnotatorIds.Contains(annotatorId);
}
