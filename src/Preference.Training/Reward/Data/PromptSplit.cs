namespace Preference.Training.Reward.Data;

/// <summary>
/// Splits pairs by prompt, never inside one: all pairs of a prompt land on the same side, so a held-out score is
/// not inflated by near-copies of training pairs. Deterministic for a given seed.
/// </summary>
public static class PromptSplit
{
    public static (IReadOnlyList<RewardPair> Train, IReadOnlyList<RewardPair> Held) Split(IReadOnlyList<RewardPair> pairs,
        double heldFraction, int seed) => Split(pairs, p => p.GroupId, heldFraction, seed);

    /// <summary>The same split for any rows that know their prompt (e.g. KTO's unpaired completions).</summary>
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Held) Split<T>(IReadOnlyList<T> rows, Func<T, string> prompt,
        double heldFraction, int seed)
    {
        if (heldFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(heldFraction), heldFraction, "must be between 0 and 1");
        var groups = rows.Select(prompt).Distinct().OrderBy(g => Rank(g, seed)).ToList();
        var held = groups.Take((int)Math.Round(groups.Count * heldFraction)).ToHashSet();
        return (rows.Where(r => !held.Contains(prompt(r))).ToList(), rows.Where(r => held.Contains(prompt(r))).ToList());
    }

    // FNV-1a over the text: stable across processes and .NET versions, unlike string.GetHashCode.
    static ulong Rank(string group, int seed)
    {
        ulong hash = 14695981039346656037UL ^ (uint)seed;
        foreach (char c in group) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }
}
