using Preference.Core.Rankings;

namespace Preference.Core.Aggregation;

/// <summary>One entry point for exports: aggregate a task's rankings and keep the pairs agreed on enough.</summary>
public static class PreferenceAggregator
{
    public static IReadOnlyList<AggregatedPair> Aggregate(
        IReadOnlyCollection<Ranking> rankings, AggregationMethod method, double minAgreement = 0) =>
        Aggregate(new PairwiseVotes(rankings), method, minAgreement);

    /// <summary>The same over votes already counted, weighted or not.</summary>
    public static IReadOnlyList<AggregatedPair> Aggregate(PairwiseVotes votes, AggregationMethod method, double minAgreement = 0)
    {
        if (minAgreement is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(minAgreement), "must be within [0, 1]");
        var pairs = method switch
        {
            AggregationMethod.Majority => MajorityAggregator.Aggregate(votes),
            AggregationMethod.BradleyTerry => BradleyTerry.Aggregate(votes),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
        return pairs.Where(p => p.Agreement >= minAgreement - 1e-12).ToList();
    }
}
