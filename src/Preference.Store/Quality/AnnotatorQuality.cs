using Preference.Core.Domain;

namespace Preference.Store.Quality;

/// <summary>
/// One annotator's (or judge's) measured quality and effort in a campaign. Every rate is null when there is nothing
/// to measure it on (no gold task ranked, no peer majority, no shared task with a judge).
/// </summary>
/// <param name="GoldAgreement">Mean share of response pairs labelled as the gold ranking labels them (first/tie/second).</param>
/// <param name="GoldKendallTau">Mean Kendall tau-b with the gold ranking (1 = same order, -1 = reversed).</param>
/// <param name="PeerAgreement">Share of response pairs where this annotator matched the majority of the other humans (leave-one-out).</param>
/// <param name="JudgeAgreement">Per judge id: share of the response pairs both ranked that got the same label.</param>
/// <param name="MedianActiveSeconds">Median time per task from offer to submit with idle time excluded (see <see cref="ActiveTime"/>).</param>
/// <param name="SkipRate">Skips over tasks given up or submitted.</param>
/// <param name="TieRate">Share of submissions with at least one tie.</param>
/// <param name="FirstShownWins">Share of submissions that rank the response shown first alone at the top.</param>
/// <param name="FirstShownChance">What <paramref name="FirstShownWins"/> would be with no position bias: the mean of 1/k.</param>
/// <param name="Weight">The export's weight for this annotator under quality weighting (see <see cref="QualityWeights"/>).</param>
public sealed record AnnotatorQuality(
    string AnnotatorId, string Name, AnnotatorKind Kind, int Annotations, int Skips, int GoldTasks,
    double? GoldAgreement, double? GoldKendallTau, double? PeerAgreement, int PeerItems,
    IReadOnlyDictionary<string, double> JudgeAgreement,
    double? MedianActiveSeconds, double? SkipRate, double? TieRate, double? FirstShownWins, double? FirstShownChance,
    double Weight);
