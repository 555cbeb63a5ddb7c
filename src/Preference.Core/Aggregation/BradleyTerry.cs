using Preference.Core.Rankings;

namespace Preference.Core.Aggregation;

/// <summary>
/// Bradley–Terry strengths fitted with Hunter's (2004) MM iteration, P(i beats j) = p_i / (p_i + p_j).
/// A tie counts as half a win each way, and every pair gets a small symmetric pseudo-count so a response that
/// never lost still has a finite strength.
/// </summary>
public static class BradleyTerry
{
    public const double PriorWins = 0.1;

    /// <summary>Log-strengths (centred on 0) per response id.</summary>
    public static IReadOnlyDictionary<string, double> Fit(PairwiseVotes votes, int maxIterations = 1000, double tolerance = 1e-10)
    {
        var ids = votes.ResponseIds;
        int n = ids.Count;
        if (n == 0) return new Dictionary<string, double>();
        var wins = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) wins[i, j] = votes.Wins(ids[i], ids[j]) + 0.5 * votes.Ties(ids[i], ids[j]) + PriorWins;

        var p = Enumerable.Repeat(1.0, n).ToArray();
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            var next = new double[n];
            for (int i = 0; i < n; i++)
            {
                double w = 0, denominator = 0;
                for (int j = 0; j < n; j++)
                {
                    if (i == j) continue;
                    w += wins[i, j];
                    denominator += (wins[i, j] + wins[j, i]) / (p[i] + p[j]);
                }
                next[i] = w / denominator;
            }
            double geometricMean = Math.Exp(next.Average(Math.Log));
            double change = 0;
            for (int i = 0; i < n; i++)
            {
                next[i] /= geometricMean;
                change = Math.Max(change, Math.Abs(next[i] - p[i]));
            }
            p = next;
            if (change < tolerance) break;
        }
        return ids.Select((id, i) => (id, Math.Log(p[i]))).ToDictionary(x => x.id, x => x.Item2);
    }

    /// <summary>Pairs in fitted order (higher strength preferred), with the raw vote agreement for that direction.</summary>
    public static IReadOnlyList<AggregatedPair> Aggregate(IEnumerable<Ranking> rankings) => Aggregate(new PairwiseVotes(rankings));

    /// <summary>Pairs in the order fitted to (possibly weighted) votes.</summary>
    public static IReadOnlyList<AggregatedPair> Aggregate(PairwiseVotes votes)
    {
        var scores = Fit(votes);
        var pairs = new List<AggregatedPair>();
        var ids = votes.ResponseIds;
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
            {
                string a = ids[i], b = ids[j];
                double total = votes.Total(a, b);
                if (total <= 0 || Math.Abs(scores[a] - scores[b]) < 1e-9) continue;
                var (better, worse) = scores[a] > scores[b] ? (a, b) : (b, a);
                pairs.Add(new AggregatedPair(better, worse, votes.Wins(better, worse) / total, votes.Voters(a, b)));
            }
        return pairs;
    }
}
