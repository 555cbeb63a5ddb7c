namespace Preference.Core.Agreement;

/// <summary>Fleiss' kappa: chance-corrected agreement of many raters, where different items may have different raters.</summary>
public static class FleissKappa
{
    /// <summary>
    /// Kappa over the items with at least two ratings. With the same number of ratings on every item this is exactly
    /// Fleiss (1971); with varying numbers each item's agreement is taken over its own rater pairs and the category
    /// shares over all ratings. NaN when undefined (no such item, or every rating has the same label).
    /// </summary>
    public static double Compute(RatingTable table)
    {
        var items = table.Items.Where(i => i.LabelsByRater.Count >= 2).ToList();
        if (items.Count == 0) return double.NaN;

        double observed = items.Average(item =>
        {
            int n = item.LabelsByRater.Count;
            double agreeingOrderedPairs = item.Labels.GroupBy(l => l).Sum(g => (double)g.Count() * (g.Count() - 1));
            return agreeingOrderedPairs / ((double)n * (n - 1));
        });

        double totalRatings = items.Sum(i => i.LabelsByRater.Count);
        double expected = items.SelectMany(i => i.Labels).GroupBy(l => l)
            .Sum(g => Math.Pow(g.Count() / totalRatings, 2));

        return expected >= 1 ? double.NaN : (observed - expected) / (1 - expected);
    }
}
