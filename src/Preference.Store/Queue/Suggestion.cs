using System.Text.Json.Serialization;
using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Store.Queue;

/// <summary>An AI judge's ranking offered as a starting point, and where it came from (which judge, when).</summary>
public sealed record Suggestion(
    [property: JsonConverter(typeof(RankingJsonConverter))] Ranking Ranking,
    string JudgeId, string JudgeName, DateTimeOffset RankedAt);
