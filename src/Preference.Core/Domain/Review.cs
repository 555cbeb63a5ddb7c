using System.Text.Json.Serialization;
using Preference.Core.Rankings;

namespace Preference.Core.Domain;

/// <summary>What a reviewer decided about a task its annotators disagreed on.</summary>
public enum ReviewDecision
{
    /// <summary>One annotator's ranking is right; it becomes the task's ranking.</summary>
    Accept,
    /// <summary>The reviewer's own ranking replaces the annotators'.</summary>
    Own,
    /// <summary>The task is unusable (ambiguous prompt, all responses broken); it leaves the export.</summary>
    Discard,
}

/// <summary>
/// The adjudication of one task. It sits beside the annotations and never replaces them: the export reads
/// <see cref="Ranking"/> instead of aggregating, and the raw rankings stay for audits and quality statistics.
/// </summary>
public sealed record Review
{
    /// <summary>The task's id: a task is reviewed at most once.</summary>
    public required string TaskId { get; init; }
    public required string CampaignId { get; init; }
    public required string ReviewerId { get; init; }
    public required ReviewDecision Decision { get; init; }
    /// <summary>For <see cref="ReviewDecision.Accept"/>: the annotation whose ranking was accepted.</summary>
    public string? AcceptedAnnotationId { get; init; }
    /// <summary>The adjudicated ranking (accepted or the reviewer's own); null when discarded.</summary>
    [JsonConverter(typeof(RankingJsonConverter))]
    public Ranking? Ranking { get; init; }
    public string Note { get; init; } = "";
    public required DateTimeOffset ReviewedAt { get; init; }
}
