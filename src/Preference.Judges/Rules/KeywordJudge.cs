using System.Text.RegularExpressions;
using Preference.Core.Judging;

namespace Preference.Judges.Rules;

/// <summary>A pattern and the score each match adds (negative to penalise, e.g. refusals or banned words).</summary>
public sealed record KeywordRule(string Pattern, double Weight, bool IgnoreCase = true);

/// <summary>
/// Ranks by the weighted number of regular-expression matches in each response. Patterns are compiled once with a
/// match timeout so a pathological pattern cannot hang a run.
/// </summary>
public static class KeywordJudge
{
    public static IJudge Create(string name, IReadOnlyList<KeywordRule> rules, double tieTolerance = 0)
    {
        if (rules.Count == 0) throw new ArgumentException("a keyword judge needs at least one rule", nameof(rules));
        var compiled = rules.Select(rule =>
        {
            try
            {
                var options = RegexOptions.CultureInvariant | (rule.IgnoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
                return (Regex: new Regex(rule.Pattern, options, TimeSpan.FromSeconds(1)), rule.Weight);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"invalid pattern '{rule.Pattern}': {e.Message}", nameof(rules), e);
            }
        }).ToList();

        var identity = new JudgeIdentity(name, "rule", Settings: new Dictionary<string, string>
        {
            ["rule"] = "keyword",
            ["patterns"] = string.Join(" | ", rules.Select(r => $"{r.Pattern} ({r.Weight:+0.###;-0.###})")),
        });
        return new DelegateJudge(identity, (_, response) => compiled.Sum(c => c.Regex.Count(response.Text) * c.Weight), tieTolerance);
    }
}
