using Preference.Core.Agreement;

namespace Preference.Judges.Agreement;

/// <summary>
/// Per-item labels read from a file, with what a judge's file can also say: which items failed (no verdict) and, under
/// position-bias control, which verdicts flipped with the order.
/// </summary>
public sealed record LabelSet(RatingTable Table, IReadOnlySet<string> FailedItems, IReadOnlyDictionary<string, bool> OrderFlipped)
{
    /// <summary>The single rater's label per item (for a judge's file); failed items map to null.</summary>
    public IReadOnlyDictionary<string, string?> SingleRaterLabels()
    {
        var raters = Table.Raters;
        if (raters.Count > 1)
            throw new InvalidDataException($"expected the labels of one judge, found {raters.Count} annotators: {string.Join(", ", raters.Take(5))}");
        var labels = Table.Items.ToDictionary(i => i.ItemId, i => (string?)i.Labels.First());
        foreach (var failed in FailedItems) labels.TryAdd(failed, null);
        return labels;
    }

    /// <summary>Only the labels of one annotator, for files that hold several.</summary>
    public LabelSet ForRater(string rater)
    {
        if (!Table.Raters.Contains(rater))
            throw new InvalidDataException($"annotator '{rater}' has no labels; present: {string.Join(", ", Table.Raters.Take(10))}");
        var items = Table.Items.Where(i => i.LabelsByRater.ContainsKey(rater))
            .Select(i => new ItemRatings(i.ItemId, new Dictionary<string, string> { [rater] = i.LabelsByRater[rater] })).ToList();
        return this with { Table = new RatingTable(items) };
    }
}
