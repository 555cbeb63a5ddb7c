using System.Text.RegularExpressions;

namespace Preference.Training.Reward.Data;

/// <summary>
/// The words every text-overlap measure of the reward code compares (passage relevance, grounding, reference
/// features): lowercased runs of letters and digits, in order. One definition, so the measures agree on what a word is.
/// </summary>
public static partial class TextWords
{
    public static List<string> Of(string text) => Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToList();

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();
}
