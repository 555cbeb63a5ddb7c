using Preference.Core.Domain;

namespace Preference.Core.Api;

/// <summary>
/// A task as one annotator sees it (<c>POST /api/campaigns/{id}/next</c>): completions already in that annotator's
/// shuffled order, under ids made for this offer (they say nothing about import order), and without the source
/// model, which would bias the ranking.
/// </summary>
public sealed record TaskOffer
{
    public required string TaskId { get; init; }
    public required string CampaignId { get; init; }
    public required string AssignmentId { get; init; }
    public required Prompt Prompt { get; init; }
    public required IReadOnlyList<ShownCompletion> Completions { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>The campaign judge's ranking to start from, with its provenance; absent when there is none or it was held back.</summary>
    public Suggestion? Suggestion { get; init; }
}

/// <summary>A completion as shown for ranking: its offered id and content only.</summary>
public sealed record ShownCompletion(string Id, string? Text, IReadOnlyList<Message>? Messages);

/// <summary>The next task plus the annotator's progress (done by them, still available to them).</summary>
public sealed record NextTaskResponse(TaskOffer Task, int Mine, int Remaining);
