using Preference.Core.Judging;

namespace Preference.Judges.Rules;

/// <summary>Which length a <see cref="LengthJudge"/> rewards.</summary>
public enum LengthPreference { Longer, Shorter }

/// <summary>
/// Ranks by response length in characters: a baseline every LLM judge should beat, and a known bias (verbosity) to
/// measure judges against. Lengths within <paramref name="tieTolerance"/> characters tie.
/// </summary>
public static class LengthJudge
{
    public static IJudge Create(string name, LengthPreference prefer = LengthPreference.Longer, int tieTolerance = 0) =>
        new DelegateJudge(
            new JudgeIdentity(name, "rule", Settings: new Dictionary<string, string>
            {
                ["rule"] = "length",
                ["prefer"] = prefer.ToString().ToLowerInvariant(),
            }),
            (_, response) => prefer == LengthPreference.Longer ? response.Text.Length : -response.Text.Length,
            tieTolerance);
}
