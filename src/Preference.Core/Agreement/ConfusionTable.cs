namespace Preference.Core.Agreement;

/// <summary>Counts of (reference label, predicted label); rows are the reference, columns the prediction.</summary>
public sealed record ConfusionTable(IReadOnlyList<string> Categories, IReadOnlyDictionary<(string Reference, string Predicted), int> Counts)
{
    public static ConfusionTable From(IEnumerable<(string Reference, string Predicted)> pairs, IEnumerable<string>? categoryOrder = null)
    {
        var list = pairs.ToList();
        var counts = list.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        var seen = list.SelectMany(p => new[] { p.Reference, p.Predicted }).Distinct().ToList();
        var order = (categoryOrder ?? []).Where(seen.Contains).ToList();
        order.AddRange(seen.Except(order).Order(StringComparer.Ordinal));
        return new ConfusionTable(order, counts);
    }

    public int this[string reference, string predicted] => Counts.GetValueOrDefault((reference, predicted));

    public int Total => Counts.Values.Sum();
}
