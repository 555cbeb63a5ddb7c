using Preference.Core.Rankings;

namespace Preference.Core.Aggregation;

/// <summary>
/// Pairwise outcome counts over several annotators' rankings of the same responses: wins[a][b] = how many put a
/// strictly above b; ties[(a,b)] = how many put them in one tier.
/// </summary>
public sealed class PairwiseVotes
{
    private readonly Dictionary<(string, string), int> _wins = new();
    private readonly Dictionary<(string, string), int> _ties = new();

    public PairwiseVotes(IEnumerable<Ranking> rankings)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ranking in rankings)
        {
            foreach (var (better, worse) in ranking.StrictPairs()) Increment(_wins, (better, worse));
            foreach (var (a, b) in ranking.TiedPairs()) Increment(_ties, Ordered(a, b));
            ids.UnionWith(ranking.ResponseIds);
        }
        ResponseIds = ids.ToList();
    }

    /// <summary>Every response id seen, in ordinal order so results do not depend on input order.</summary>
    public IReadOnlyList<string> ResponseIds { get; }

    public int Wins(string better, string worse) => _wins.GetValueOrDefault((better, worse));
    public int Ties(string a, string b) => _ties.GetValueOrDefault(Ordered(a, b));
    public int Total(string a, string b) => Wins(a, b) + Wins(b, a) + Ties(a, b);

    private static (string, string) Ordered(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
    private static void Increment(Dictionary<(string, string), int> counts, (string, string) key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
