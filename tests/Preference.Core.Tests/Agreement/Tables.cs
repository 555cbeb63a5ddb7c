using Preference.Core.Agreement;

namespace Preference.Core.Tests.Agreement;

/// <summary>Builds rating tables from columns of labels per rater, null meaning "did not rate".</summary>
internal static class Tables
{
    public static RatingTable ByRater(params (string Rater, string?[] Labels)[] columns)
    {
        int items = columns.Max(c => c.Labels.Length);
        return RatingTable.FromRows(Enumerable.Range(0, items).SelectMany(i => columns
            .Where(c => i < c.Labels.Length && c.Labels[i] is not null)
            .Select(c => ($"item{i}", c.Rater, c.Labels[i]!))));
    }

    /// <summary>Expands per-item category counts (Fleiss' layout) into anonymous raters r0, r1, ...</summary>
    public static RatingTable FromCounts(int[][] countsPerItem) =>
        RatingTable.FromRows(countsPerItem.SelectMany((counts, item) => counts
            .SelectMany((count, category) => Enumerable.Repeat($"c{category}", count))
            .Select((label, rater) => ($"item{item}", $"r{rater}", label))));
}
