namespace Preference.Core.Agreement;

/// <summary>The labels that several raters gave one item; a rater who skipped the item is simply absent.</summary>
public sealed record ItemRatings(string ItemId, IReadOnlyDictionary<string, string> LabelsByRater)
{
    public IEnumerable<string> Labels => LabelsByRater.Values;
}

/// <summary>
/// Categorical labels by item and rater: the one input every agreement statistic here reads. Missing ratings are
/// allowed (Krippendorff's alpha and the pairwise statistics use what is there).
/// </summary>
public sealed record RatingTable(IReadOnlyList<ItemRatings> Items)
{
    /// <summary>Builds a table from (item, rater, label) rows; a second label by the same rater for an item is an error.</summary>
    public static RatingTable FromRows(IEnumerable<(string Item, string Rater, string Label)> rows)
    {
        var byItem = new Dictionary<string, Dictionary<string, string>>();
        var order = new List<string>();
        foreach (var (item, rater, label) in rows)
        {
            if (!byItem.TryGetValue(item, out var labels))
            {
                byItem[item] = labels = new Dictionary<string, string>();
                order.Add(item);
            }
            if (!labels.TryAdd(rater, label))
                throw new ArgumentException($"rater '{rater}' labelled item '{item}' more than once");
        }
        return new RatingTable(order.Select(id => new ItemRatings(id, byItem[id])).ToList());
    }

    public IReadOnlyList<string> Raters =>
        Items.SelectMany(i => i.LabelsByRater.Keys).Distinct().Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Categories =>
        Items.SelectMany(i => i.Labels).Distinct().Order(StringComparer.Ordinal).ToList();
}
