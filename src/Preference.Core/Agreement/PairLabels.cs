using Preference.Core.Rankings;

namespace Preference.Core.Agreement;

/// <summary>
/// The three labels a comparison of two responses can get, and their natural order (first better, equal, second
/// better) for ordinal statistics.
/// </summary>
public static class PairLabels
{
    public const string First = "first";
    public const string Tie = "tie";
    public const string Second = "second";

    /// <summary>Ordered so that a tie sits between the two preferences: the scale ordinal alpha needs.</summary>
    public static IReadOnlyList<string> OrdinalScale { get; } = [First, Tie, Second];

    /// <summary>How a ranking orders responses <paramref name="first"/> and <paramref name="second"/>.</summary>
    public static string FromRanking(Ranking ranking, string first, string second)
    {
        int a = ranking.TierOf(first), b = ranking.TierOf(second);
        return a < b ? First : a > b ? Second : Tie;
    }

    /// <summary>The label seen from the other side: the same judgement with the two responses swapped.</summary>
    public static string Swap(string label) => label switch
    {
        First => Second,
        Second => First,
        Tie => Tie,
        _ => throw new ArgumentException($"'{label}' is not a pair label ({First}, {Tie}, {Second})", nameof(label)),
    };
}
