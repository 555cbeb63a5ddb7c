using Preference.Core.Rankings;

namespace Preference.Store.Queue;

/// <summary>What an annotator or judge sends for a task they were given.</summary>
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
