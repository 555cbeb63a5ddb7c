namespace Preference.Core.Agreement;

public static class PercentAgreement
{
    /// <summary>
    /// Share of rater pairs that gave the same label, averaged over items with at least two ratings (each item
    /// weighs the same, as in Fleiss' observed agreement). NaN when no item has two ratings.
    /// </summary>
    public static double Pairwise(RatingTable table)
    {
        double sum = 0;
        int items = 0;
        foreach (var item in table.Items)
        {
            int n = item.LabelsByRater.Count;
            if (n < 2) continue;
            long agreeingPairs = item.Labels.GroupBy(l => l).Sum(g => (long)g.Count() * (g.Count() - 1) / 2);
            sum += agreeingPairs / (n * (n - 1) / 2.0);
            items++;
        }
        return items == 0 ? double.NaN : sum / items;
    }
}
