using Preference.Core.Api;
using Preference.Core.Domain;
using Preference.Core.Rankings;
using Preference.Store.Queue;

namespace Preference.Store.Reviews;

/// <summary>A task whose annotators disagree, as a reviewer sees it: the content and every ranking it got.</summary>
/// <param name="Disagreement">1 minus the mean share of response pairs two of its human annotators label alike.</param>
public sealed record ReviewCase(
    string TaskId, string CampaignId, double Disagreement, Prompt Prompt, IReadOnlyList<ShownCompletion> Completions,
    IReadOnlyList<ReviewedRanking> Rankings, Review? Decision);

/// <summary>One annotator's ranking of the task under review.</summary>
public sealed record ReviewedRanking(string AnnotationId, string AnnotatorId, Ranking Ranking, string? Rationale);

/// <summary>A reviewer's decision as sent: accept one annotation, give their own ranking, or discard, with a note.</summary>
public sealed record ReviewRequest
{
    public required string TaskId { get; init; }
    public required ReviewDecision Decision { get; init; }
    public string? AnnotationId { get; init; }
    public Ranking? Ranking { get; init; }
    public string Note { get; init; } = "";
}
