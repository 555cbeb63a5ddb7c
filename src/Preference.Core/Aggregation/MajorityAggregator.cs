using Preference.Core.Rankings;

namespace Preference.Core.Aggregation;

/// <summary>Majority vote per pair: a pair is kept when strictly more annotators preferred one side than the other.</summary>
public static class MajorityAggregator
{
    public static IReadOnlyList<AggregatedPair> Aggregate(IEnumerable<Ranking> rankings)
    {
        var votes = new PairwiseVotes(rankings);
        var pairs = new List<AggregatedPair>();
        var ids = votes.ResponseIds;
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
            {
                string a = ids[i], b = ids[j];
                int ab = votes.Wins(a, b), ba = votes.Wins(b, a), total = votes.Total(a, b);
                if (ab == ba) continue;
                var (better, worse, wins) = ab > ba ? (a, b, ab) : (b, a, ba);
                pairs.Add(new AggregatedPair(better, worse, (double)wins / total, total));
            }
        return pairs;
    }
}
