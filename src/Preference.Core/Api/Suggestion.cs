using System.Text.Json.Serialization;
using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Core.Api;

/// <summary>
/// An AI judge's ranking offered as a starting point, and where it came from (which judge, when). Its ids are the
/// offer's own response ids, like the rest of the <see cref="TaskOffer"/>.
/// </summary>
public sealed record Suggestion(
    [property: JsonConverter(typeof(RankingJsonConverter))] Ranking Ranking,
    string JudgeId, string JudgeName, DateTimeOffset RankedAt);
