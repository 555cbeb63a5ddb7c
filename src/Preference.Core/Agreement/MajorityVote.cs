namespace Preference.Core.Agreement;

public static class MajorityVote
{
    /// <summary>
    /// The label given more often than any other, or null when the most frequent labels are tied (1-1, or 1-1-1):
    /// such an item has no consensus and is never counted as agreeing with anything.
    /// </summary>
    public static string? Of(IEnumerable<string> labels)
    {
        var counts = labels.GroupBy(l => l).Select(g => (Label: g.Key, Count: g.Count())).OrderByDescending(c => c.Count).ToList();
        if (counts.Count == 0) return null;
        if (counts.Count > 1 && counts[1].Count == counts[0].Count) return null;
        return counts[0].Label;
    }
}
