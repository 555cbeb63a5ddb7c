namespace Preference.Core.Domain;

/// <summary>
/// A task handed to one annotator: the shuffled order they saw (stored, because position bias is measurable only
/// if we know it) and the reservation that returns the task to the queue when it expires.
/// </summary>
public sealed record Assignment
{
    public required string Id { get; init; }
    public required string TaskId { get; init; }
    public required string CampaignId { get; init; }
    public required string AnnotatorId { get; init; }
    public required IReadOnlyList<string> ShownOrder { get; init; }
    public required DateTimeOffset ReservedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public AssignmentState State { get; init; } = AssignmentState.Reserved;
    /// <summary>Whether a judge's suggestion was shown, held back, or not available for this offer.</summary>
    public SuggestionState Suggestion { get; init; } = SuggestionState.None;
}
