using System.Text.RegularExpressions;
using Preference.Core.Rewards;

namespace Preference.Training.Rewards;

/// <summary>
/// Rewards regular-expression matches in a completion: <c>weight</c> per match, at most <c>maxMatches</c> counted so
/// a policy cannot farm the reward by repeating the pattern. Patterns run with a timeout so none can hang a run.
/// </summary>
public static class RegexReward
{
    /// <param name="maxMatches">Matches counted at most (default 1: present or not).</param>
    public static IRewardSource Create(string name, string pattern, double weight = 1, int maxMatches = 1, bool ignoreCase = true)
    {
        if (maxMatches < 1) throw new ArgumentOutOfRangeException(nameof(maxMatches), maxMatches, "max matches must be at least 1");
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None),
                TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"invalid pattern '{pattern}': {e.Message}", nameof(pattern), e);
        }
        return new DelegateReward(name, input => weight * Math.Min(maxMatches, Count(regex, input.Completion, maxMatches)));
    }

    /// <summary>A whole-word keyword (regex metacharacters taken literally).</summary>
    public static IRewardSource Keyword(string name, string keyword, double weight = 1, int maxMatches = 1) =>
        Create(name, $@"\b{Regex.Escape(keyword)}\b", weight, maxMatches);

    static int Count(Regex regex, string text, int limit)
    {
        int count = 0;
        for (var match = regex.Match(text); match.Success && count < limit; match = match.NextMatch()) count++;
        return count;
    }
}
