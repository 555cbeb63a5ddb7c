using System.Text.Json.Serialization;
using Preference.Core.Rankings;

namespace Preference.Core.Domain;

/// <summary>
/// The known-correct ranking of a gold task. Gold tasks are served like any other task (annotators cannot tell), and
/// each annotator's ranking of one is scored against this.
/// </summary>
public sealed record GoldRanking
{
    /// <summary>The task's id: a task has at most one gold ranking.</summary>
    public required string TaskId { get; init; }
    public required string CampaignId { get; init; }
    [JsonConverter(typeof(RankingJsonConverter))]
    public required Ranking Ranking { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
