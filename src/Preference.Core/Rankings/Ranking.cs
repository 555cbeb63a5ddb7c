namespace Preference.Core.Rankings;

/// <summary>
/// A full ranking of the responses shown for one task, best first. Each tier holds the ids of responses judged equal,
/// so ties are explicit: <c>[[a], [b, c], [d]]</c> means a &gt; b = c &gt; d.
/// </summary>
public sealed record Ranking(IReadOnlyList<IReadOnlyList<string>> Tiers)
{
    public static Ranking Strict(params string[] bestFirst) => new(bestFirst.Select(id => (IReadOnlyList<string>)[id]).ToList());

    public IEnumerable<string> ResponseIds => Tiers.SelectMany(tier => tier);

    /// <summary>The tier index of a response (0 = best).</summary>
    public int TierOf(string responseId)
    {
        for (int i = 0; i < Tiers.Count; i++)
            if (Tiers[i].Contains(responseId)) return i;
        throw new KeyNotFoundException($"response '{responseId}' is not in this ranking");
    }

    /// <summary>
    /// Checks that every shown response is ranked exactly once and nothing else is; returns the problem, or null.
    /// </summary>
    public string? Validate(IReadOnlyCollection<string> shownResponseIds)
    {
        if (Tiers.Count == 0) return "ranking is empty";
        if (Tiers.Any(t => t.Count == 0)) return "ranking has an empty tier";
        var seen = new HashSet<string>();
        foreach (var id in ResponseIds)
        {
            if (!shownResponseIds.Contains(id)) return $"response '{id}' was not shown in this task";
            if (!seen.Add(id)) return $"response '{id}' is ranked more than once";
        }
        var missing = shownResponseIds.Where(id => !seen.Contains(id)).ToList();
        return missing.Count > 0 ? $"responses not ranked: {string.Join(", ", missing)}" : null;
    }

    /// <summary>All strict pairs (better, worse) implied by the ranking; tied responses give no pair.</summary>
    public IEnumerable<(string Better, string Worse)> StrictPairs()
    {
        for (int i = 0; i < Tiers.Count; i++)
            for (int j = i + 1; j < Tiers.Count; j++)
                foreach (var better in Tiers[i])
                    foreach (var worse in Tiers[j])
                        yield return (better, worse);
    }

    /// <summary>All pairs of responses placed in the same tier.</summary>
    public IEnumerable<(string A, string B)> TiedPairs()
    {
        foreach (var tier in Tiers)
            for (int i = 0; i < tier.Count; i++)
                for (int j = i + 1; j < tier.Count; j++)
                    yield return (tier[i], tier[j]);
    }
}
