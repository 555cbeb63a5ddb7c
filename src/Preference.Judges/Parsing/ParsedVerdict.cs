using Preference.Core.Rankings;

namespace Preference.Judges.Parsing;

/// <summary>The outcome of reading a judge's reply: a ranking over the prompt's labels, or why none could be read.</summary>
public sealed record ParsedVerdict(Ranking? Ranking, string? Error)
{
    public static ParsedVerdict Of(Ranking ranking) => new(ranking, null);
    public static ParsedVerdict Unparseable(string error) => new(null, error);
}
