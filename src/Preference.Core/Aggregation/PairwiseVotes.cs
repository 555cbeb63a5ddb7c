using Preference.Core.Rankings;

namespace Preference.Core.Aggregation;

/// <summary>
/// Pairwise outcome counts over several annotators' rankings of the same responses: wins[a][b] = how many put a
/// strictly above b; ties[(a,b)] = how many put them in one tier. With weights, each ranking counts its weight
/// (an annotator's measured quality) instead of one; <see cref="Voters"/> still counts rankings.
/// </summary>
public sealed class PairwiseVotes
{
    private readonly Dictionary<(string, string), double> _wins = new();
    private readonly Dictionary<(string, string), double> _ties = new();
    private readonly Dictionary<(string, string), int> _voters = new();

    public PairwiseVotes(IEnumerable<Ranking> rankings) : this(rankings.Select(r => (r, 1.0)))
    {
    }

    public PairwiseVotes(IEnumerable<(Ranking Ranking, double Weight)> weighted)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (ranking, weight) in weighted)
        {
            if (!double.IsFinite(weight) || weight < 0) throw new ArgumentOutOfRangeException(nameof(weighted), "weights must be finite and non-negative");
            foreach (var (better, worse) in ranking.StrictPairs())
            {
                Add(_wins, (better, worse), weight);
                _voters[Ordered(better, worse)] = _voters.GetValueOrDefault(Ordered(better, worse)) + 1;
            }
            foreach (var (a, b) in ranking.TiedPairs())
            {
                Add(_ties, Ordered(a, b), weight);
                _voters[Ordered(a, b)] = _voters.GetValueOrDefault(Ordered(a, b)) + 1;
            }
            ids.UnionWith(ranking.ResponseIds);
        }
        ResponseIds = ids.ToList();
    }

    /// <summary>Every response id seen, in ordinal order so results do not depend on input order.</summary>
    public IReadOnlyList<string> ResponseIds { get; }

    public double Wins(string better, string worse) => _wins.GetValueOrDefault((better, worse));
    public double Ties(string a, string b) => _ties.GetValueOrDefault(Ordered(a, b));
    public double Total(string a, string b) => Wins(a, b) + Wins(b, a) + Ties(a, b);
    /// <summary>How many rankings (whatever their weight) placed both responses.</summary>
    public int Voters(string a, string b) => _voters.GetValueOrDefault(Ordered(a, b));

    private static (string, string) Ordered(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
    private static void Add(Dictionary<(string, string), double> counts, (string, string) key, double weight) =>
        counts[key] = counts.GetValueOrDefault(key) + weight;
}
