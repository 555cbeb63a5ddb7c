using Preference.Core.Rankings;

namespace Preference.Judges.PositionBias;

/// <summary>Combines the rankings a judge gave for the same responses shown in two different orders.</summary>
public static class OrderCombiner
{
    /// <summary>Whether the two rankings disagree about any pair of responses.</summary>
    public static bool Disagree(Ranking first, Ranking second) => Canonical(first) != Canonical(second);

    /// <returns>The combined ranking; null only for <see cref="OrderDisagreement.Fail"/> when the orders disagree.</returns>
    public static Ranking? Combine(Ranking first, Ranking second, OrderDisagreement policy)
    {
        if (!Disagree(first, second)) return first;
        return policy switch
        {
            OrderDisagreement.Fail => null,
            OrderDisagreement.MeanRank => ByMeanTier(first, second, conservative: false),
            _ => ByMeanTier(first, second, conservative: true),
        };
    }

    /// <summary>
    /// Sorts responses by summed tier index over both orders, equal sums tied. Conservative: neighbouring groups are
    /// merged into one tier unless every member of the upper group beats every member of the lower one in both
    /// orders, so every strict pair left in the result is one that both orders agreed on.
    /// </summary>
    private static Ranking ByMeanTier(Ranking first, Ranking second, bool conservative)
    {
        var groups = first.ResponseIds
            .GroupBy(id => first.TierOf(id) + second.TierOf(id))
            .OrderBy(g => g.Key)
            .Select(g => g.ToList())
            .ToList();
        if (!conservative) return new Ranking(groups.Cast<IReadOnlyList<string>>().ToList());

        var tiers = new List<List<string>> { groups[0] };
        foreach (var group in groups.Skip(1))
        {
            var upper = tiers[^1];
            bool consistentlyBetter = upper.All(u => group.All(l =>
                first.TierOf(u) < first.TierOf(l) && second.TierOf(u) < second.TierOf(l)));
            if (consistentlyBetter) tiers.Add(group);
            else upper.AddRange(group);
        }
        return new Ranking(tiers.Cast<IReadOnlyList<string>>().ToList());
    }

    private static string Canonical(Ranking ranking) =>
        string.Join(">", ranking.Tiers.Select(t => string.Join("=", t.Order(StringComparer.Ordinal))));
}
