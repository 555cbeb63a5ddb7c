namespace Preference.Core.Agreement;

/// <summary>
/// Krippendorff's alpha, 1 - observed/expected disagreement, computed from the coincidence matrix so that missing
/// ratings and any number of raters per item are handled (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011).
/// Items with fewer than two ratings carry no pairable values and are left out.
/// </summary>
public static class KrippendorffAlpha
{
    /// <summary>Alpha for unordered categories: any two different labels disagree equally.</summary>
    public static double Nominal(RatingTable table)
    {
        var categories = table.Categories;
        return Compute(table, categories, (_, _, _, _) => 1.0);
    }

    /// <summary>
    /// Alpha for ordered categories: the disagreement of two labels grows with how many ratings fall between them,
    /// so "first better" vs "tie" disagrees less than "first better" vs "second better".
    /// </summary>
    /// <param name="orderedCategories">Every label that occurs, lowest first (e.g. <see cref="PairLabels.OrdinalScale"/>).</param>
    public static double Ordinal(RatingTable table, IReadOnlyList<string> orderedCategories)
    {
        var unknown = table.Categories.Except(orderedCategories).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"labels not on the ordinal scale: {string.Join(", ", unknown)}", nameof(orderedCategories));
        return Compute(table, orderedCategories, (c, k, marginals, _) =>
        {
            int lo = Math.Min(c, k), hi = Math.Max(c, k);
            double between = 0;
            for (int g = lo; g <= hi; g++) between += marginals[g];
            between -= (marginals[lo] + marginals[hi]) / 2.0;
            return between * between;
        });
    }

    /// <param name="squaredDistance">delta squared of categories c and k given the marginal totals n_g.</param>
    private static double Compute(RatingTable table, IReadOnlyList<string> categories,
        Func<int, int, double[], int, double> squaredDistance)
    {
        int size = categories.Count;
        var index = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var coincidence = new double[size, size];

        foreach (var item in table.Items)
        {
            int m = item.LabelsByRater.Count;
            if (m < 2) continue;
            var counts = new int[size];
            foreach (var label in item.Labels) counts[index[label]]++;
            for (int c = 0; c < size; c++)
                for (int k = 0; k < size; k++)
                {
                    double pairs = c == k ? counts[c] * (counts[c] - 1.0) : counts[c] * (double)counts[k];
                    coincidence[c, k] += pairs / (m - 1);
                }
        }

        var marginals = new double[size];
        for (int c = 0; c < size; c++)
            for (int k = 0; k < size; k++)
                marginals[c] += coincidence[c, k];
        double n = marginals.Sum();
        if (n <= 1) return double.NaN;

        double observed = 0, expected = 0;
        for (int c = 0; c < size; c++)
            for (int k = 0; k < size; k++)
            {
                if (c == k) continue;
                double delta2 = squaredDistance(c, k, marginals, size);
                observed += coincidence[c, k] * delta2;
                expected += marginals[c] * marginals[k] * delta2;
            }
        if (expected == 0) return double.NaN;
        return 1 - (n - 1) * observed / expected;
    }
}
