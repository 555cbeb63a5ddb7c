using Preference.Core.Rankings;

namespace Preference.Core.Aggregation;

/// <summary>Majority vote per pair: a pair is kept when strictly more annotators preferred one side than the other.</summary>
public static class MajorityAggregator
{
    public static IReadOnlyList<AggregatedPair> Aggregate(IEnumerable<Ranking> rankings) => Aggregate(new PairwiseVotes(rankings));

    /// <summary>Majority of the (possibly weighted) votes; <see cref="AggregatedPair.Agreement"/> is the winning side's share of the weight.</summary>
    public static IReadOnlyList<AggregatedPair> Aggregate(PairwiseVotes votes)
    {
        var pairs = new List<AggregatedPair>();
        var ids = votes.ResponseIds;
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
            {
                string a = ids[i], b = ids[j];
                double ab = votes.Wins(a, b), ba = votes.Wins(b, a), total = votes.Total(a, b);
                if (ab == ba || total <= 0) continue;
                var (better, worse, wins) = ab > ba ? (a, b, ab) : (b, a, ba);
                pairs.Add(new AggregatedPair(better, worse, wins / total, votes.Voters(a, b)));
            }
        return pairs;
    }
}
