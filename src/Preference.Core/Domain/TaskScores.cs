namespace Preference.Core.Domain;

/// <summary>
/// A reward model's score of each completion of one task, uploaded by an admin (e.g. `pref campaign score`) so the
/// queue can serve the tasks the model is least sure about first. Annotators never see it.
/// </summary>
public sealed record TaskScores
{
    /// <summary>The task's id: a task has at most one set of scores (a new upload replaces it).</summary>
    public required string TaskId { get; init; }
    public required string CampaignId { get; init; }
    /// <summary>Score by stored completion id, one for each of the task's completions.</summary>
    public required IReadOnlyDictionary<string, double> CompletionScores { get; init; }
    public DateTimeOffset UploadedAt { get; init; }
}
