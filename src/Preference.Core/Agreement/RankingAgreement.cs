using Preference.Core.Rankings;

namespace Preference.Core.Agreement;

/// <summary>
/// How closely two rankings of the same responses agree: the share of response pairs they label alike
/// (first/tie/second, as <see cref="PairLabels"/>), and Kendall's tau-b, the rank correlation that handles ties.
/// </summary>
public static class RankingAgreement
{
    /// <summary>Share of the pairs of responses both rankings contain that get the same label; NaN when there is none.</summary>
    public static double PairShare(Ranking a, Ranking b)
    {
        var ids = SharedIds(a, b);
        int pairs = 0, same = 0;
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
            {
                pairs++;
                if (PairLabels.FromRanking(a, ids[i], ids[j]) == PairLabels.FromRanking(b, ids[i], ids[j])) same++;
            }
        return pairs == 0 ? double.NaN : (double)same / pairs;
    }

    /// <summary>
    /// Kendall's tau-b over the responses both rankings contain: (concordant - discordant) / sqrt((n0 - t_a)(n0 - t_b)),
    /// where t_a, t_b count pairs tied in each ranking. 1 is the same order, -1 the reverse; NaN when either ranking
    /// ties everything (the correlation is undefined).
    /// </summary>
    public static double KendallTauB(Ranking a, Ranking b)
    {
        var ids = SharedIds(a, b);
        long concordant = 0, discordant = 0, tiedA = 0, tiedB = 0, total = 0;
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
            {
                total++;
                int da = Math.Sign(a.TierOf(ids[i]) - a.TierOf(ids[j]));
                int db = Math.Sign(b.TierOf(ids[i]) - b.TierOf(ids[j]));
                if (da == 0) tiedA++;
                if (db == 0) tiedB++;
                if (da == 0 || db == 0) continue;
                if (da == db) concordant++;
                else discordant++;
            }
        double denominator = Math.Sqrt((double)(total - tiedA) * (total - tiedB));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }

    private static List<string> SharedIds(Ranking a, Ranking b)
    {
        var inB = b.ResponseIds.ToHashSet();
        return a.ResponseIds.Where(inB.Contains).Order(StringComparer.Ordinal).ToList();
    }
}
