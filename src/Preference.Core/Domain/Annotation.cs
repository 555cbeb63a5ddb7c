using System.Text.Json.Serialization;
using Preference.Core.Rankings;

namespace Preference.Core.Domain;

/// <summary>
/// One annotator's (or judge's) full ranking of a task. <see cref="Metadata"/> carries the judge's model name,
/// prompt template version and sampling settings, so a judge's annotation is comparable to a human's field for field.
/// </summary>
public sealed record Annotation
{
    public required string Id { get; init; }
    public required string TaskId { get; init; }
    public required string CampaignId { get; init; }
    public required string AnnotatorId { get; init; }
    public AnnotatorKind AnnotatorKind { get; init; } = AnnotatorKind.Human;
    [JsonConverter(typeof(RankingJsonConverter))]
    public required Ranking Ranking { get; init; }
    /// <summary>Optional 1..5 score per completion id.</summary>
    public IReadOnlyDictionary<string, int>? Scores { get; init; }
    public string? Rationale { get; init; }
    public long TimeSpentMs { get; init; }
    /// <summary>The order the completions were shown in, left to right.</summary>
    public required IReadOnlyList<string> ShownOrder { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? EditedAt { get; init; }
}
