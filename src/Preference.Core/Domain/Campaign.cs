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

    public bool Allows(string annotatorId) => AllowedAnnotatorIds.Count == 0 || AllowedAnnotatorIds.Contains(annotatorId);
}
