namespace Preference.Core.Agreement;

/// <summary>Cohen's kappa: agreement of two raters beyond what their own label frequencies give by chance.</summary>
public static class CohensKappa
{
    /// <summary>
    /// Kappa over paired labels. NaN when it is undefined: no pairs, or chance agreement is already 1 (both raters
    /// used one and the same label throughout).
    /// </summary>
    public static double Compute(IReadOnlyCollection<(string A, string B)> pairs)
    {
        if (pairs.Count == 0) return double.NaN;
        double n = pairs.Count;
        double observed = pairs.Count(p => p.A == p.B) / n;
        var a = pairs.GroupBy(p => p.A).ToDictionary(g => g.Key, g => g.Count());
        var b = pairs.GroupBy(p => p.B).ToDictionary(g => g.Key, g => g.Count());
        double expected = a.Sum(kv => kv.Value * (double)b.GetValueOrDefault(kv.Key)) / (n * n);
        return expected >= 1 ? double.NaN : (observed - expected) / (1 - expected);
    }

    /// <summary>Kappa between two named raters of a table, over the items both of them labelled.</summary>
    public static double Compute(RatingTable table, string raterA, string raterB) =>
        Compute(table.Items
            .Where(i => i.LabelsByRater.ContainsKey(raterA) && i.LabelsByRater.ContainsKey(raterB))
            .Select(i => (i.LabelsByRater[raterA], i.LabelsByRater[raterB]))
            .ToList());
}
