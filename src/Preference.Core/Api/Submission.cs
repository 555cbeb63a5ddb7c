using Preference.Core.Rankings;

namespace Preference.Core.Api;

/// <summary>
/// What an annotator or judge sends for a task they were given (<c>POST /api/campaigns/{id}/annotations</c>), in the
/// response ids of the offer.
/// </summary>
public sealed record Submission
{
    public required string TaskId { get; init; }
    public required Ranking Ranking { get; init; }
    public IReadOnlyDictionary<string, int>? Scores { get; init; }
    public string? Rationale { get; init; }
    public long TimeSpentMs { get; init; }
    /// <summary>Judge details (model, template version, sampling) or client details; stored with the annotation.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
