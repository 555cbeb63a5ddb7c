using Preference.Core.Agreement;
using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Core.Prioritization;

/// <summary>
/// Where a task stands in a queue order: lower is served first (<see cref="Primary"/>, then <see cref="Secondary"/>).
/// The server's queue and the active-learning benchmark both order tasks by this, so what the benchmark measures is
/// what a campaign does.
/// <list type="bullet">
/// <item><see cref="QueueOrder.Sequence"/>: every task equal (the queue falls back to import order).</item>
/// <item><see cref="QueueOrder.Random"/>: a hash of salt and task id in [0, 1): fixed per campaign, so a restart or a
/// new upload does not reshuffle what annotators are working through.</item>
/// <item><see cref="QueueOrder.Uncertainty"/>: the smallest gap between adjacent scores of the task's candidates (for a
/// pair, |s1 − s2|): the reward model is least sure which way the closest two go.</item>
/// <item><see cref="QueueOrder.JudgeDisagreement"/>: the share of candidate pairs that the judge's ranking orders
/// differently from the reward model's scores, highest first; ties broken by the smallest margin. Judge against the
/// reward model rather than against people because the order matters before anyone has ranked a task; tasks on which
/// people disagree with each other already go to the review desk.</item>
/// </list>
/// A task without the signal its order needs (no scores, no judge ranking) comes after every task that has it.
/// </summary>
public readonly record struct LabelPriority(double Primary, double Secondary) : IComparable<LabelPriority>
{
    /// <summary>The place of a task whose order lacks its signal: after all the others.</summary>
    public static LabelPriority Unknown { get; } = new(double.PositiveInfinity, double.PositiveInfinity);

    /// <param name="salt">What makes one campaign's random order differ from another's (its id; a seed in the benchmark).</param>
    /// <param name="scores">The reward model's score per completion id, or null when none was uploaded.</param>
    /// <param name="judge">The judge's ranking of the same completion ids, or null when it has not ranked the task.</param>
    public static LabelPriority For(QueueOrder order, string salt, string taskId, IReadOnlyDictionary<string, double>? scores, Ranking? judge) => order switch
    {
        QueueOrder.Sequence => default,
        QueueOrder.Random => new(RandomKey(salt, taskId), 0),
        QueueOrder.Uncertainty => scores is { Count: >= 2 } ? new(SmallestMargin(scores.Values), 0) : Unknown,
        QueueOrder.JudgeDisagreement => scores is { Count: >= 2 } && judge is not null && Disagreement(judge, scores) is var share && !double.IsNaN(share)
            ? new(-share, SmallestMargin(scores.Values))
            : Unknown,
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "unknown queue order"),
    };

    /// <summary>The smallest difference between two adjacent scores once sorted (k-wise: the closest call of the ranking).</summary>
    public static double SmallestMargin(IEnumerable<double> scores)
    {
        var sorted = scores.ToArray();
        if (sorted.Length < 2) throw new ArgumentException("a margin needs at least two scores", nameof(scores));
        Array.Sort(sorted);
        double smallest = double.PositiveInfinity;
        for (int i = 1; i < sorted.Length; i++) smallest = Math.Min(smallest, sorted[i] - sorted[i - 1]);
        return smallest;
    }

    /// <summary>Share of the completion pairs that <paramref name="judge"/> labels differently (first/tie/second) from the scores.</summary>
    public static double Disagreement(Ranking judge, IReadOnlyDictionary<string, double> scores) =>
        1 - RankingAgreement.PairShare(judge, ByScore(scores));

    /// <summary>The ranking the scores imply: higher first, equal scores tied.</summary>
    public static Ranking ByScore(IReadOnlyDictionary<string, double> scores) =>
        new(scores.GroupBy(s => s.Value).OrderByDescending(g => g.Key).Select(g => (IReadOnlyList<string>)g.Select(s => s.Key).ToList()).ToList());

    /// <summary>A uniform-looking number in [0, 1) from salt and key (64-bit FNV-1a): stable across processes and runs.</summary>
    public static double RandomKey(string salt, string key)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in salt) hash = (hash ^ c) * 1099511628211UL;
        hash = (hash ^ 0xFFFF) * 1099511628211UL; // separates ("ab", "c") from ("a", "bc")
        foreach (char c in key) hash = (hash ^ c) * 1099511628211UL;
        // FNV's low bits mix poorly; a final avalanche (splitmix64's) spreads every input bit over the top 53.
        hash ^= hash >> 30; hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27; hash *= 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    public int CompareTo(LabelPriority other)
    {
        int primary = Primary.CompareTo(other.Primary);
        return primary != 0 ? primary : Secondary.CompareTo(other.Secondary);
    }
}
