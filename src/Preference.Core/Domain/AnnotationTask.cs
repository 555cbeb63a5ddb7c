namespace Preference.Core.Domain;

/// <summary>One unit of work in a campaign: a prompt and the k completions to rank, in import order.</summary>
public sealed record AnnotationTask
{
    public required string Id { get; init; }
    public required string CampaignId { get; init; }
    public required string PromptId { get; init; }
    public required IReadOnlyList<string> CompletionIds { get; init; }
    /// <summary>Position in the campaign, so queue order is stable across restarts.</summary>
    public long Sequence { get; init; }
}
