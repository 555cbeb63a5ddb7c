namespace Preference.Training.Rewards;

/// <summary>
/// One reward source as written in a config (<c>ppo.rewards</c> list); the sources are summed with their weights.
/// Kinds: <c>keyword</c>, <c>regex</c>, <c>length</c>, <c>reward_model</c>, <c>judge</c>, <c>http</c>.
/// </summary>
public sealed record RewardSpec
{
    /// <summary>keyword | regex | length | reward_model | judge | http. Required.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Name in metrics (<c>reward/NAME</c>). Default: the kind and its index.</summary>
    public string? Name { get; init; }

    /// <summary>Multiplier of this source in the sum. Default 1.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>keyword: the whole word to reward.</summary>
    public string? Keyword { get; init; }

    /// <summary>regex: a .NET regular expression to reward.</summary>
    public string? Pattern { get; init; }

    /// <summary>keyword/regex: matches counted at most. Default 1 (present or not), so repetition earns nothing.</summary>
    public int MaxMatches { get; init; } = 1;

    /// <summary>keyword/regex: case-insensitive matching. Default true.</summary>
    public bool IgnoreCase { get; init; } = true;

    /// <summary>length: the target completion length in characters.</summary>
    public int TargetLength { get; init; } = 200;

    /// <summary>length: characters away from the target that cost 1 reward. Default 100.</summary>
    public double LengthScale { get; init; } = 100;

    /// <summary>
    /// reward_model: the directory `pref rm train` exported (score head, tokenizer, reward_model.json with the
    /// truncation length and normalisation statistics it was trained with).
    /// </summary>
    public string? Path { get; init; }

    /// <summary>
    /// judge: a judge configuration file (configs/judge*.yaml). PPO compares each completion with the reference
    /// policy's; GRPO ranks each prompt's completions against each other, round robin.
    /// </summary>
    public string? Judge { get; init; }

    /// <summary>http: where to POST {prompts, completions, labels}; the answer is {rewards} (see <see cref="HttpReward"/>).</summary>
    public string? Url { get; init; }

    /// <summary>http: seconds to wait for an answer. Default 60.</summary>
    public double TimeoutSeconds { get; init; } = 60;

    public string DisplayName(int index) => Name ?? $"{Kind}{index}";

    public IEnumerable<string> Problems(int index)
    {
        string at = $"rewards[{index}]";
        if (!double.IsFinite(Weight)) yield return $"{at}.weight: must be a finite number";
        switch (Kind)
        {
            case "keyword":
                if (string.IsNullOrWhiteSpace(Keyword)) yield return $"{at}.keyword: required for kind keyword";
                break;
            case "regex":
                if (string.IsNullOrEmpty(Pattern)) yield return $"{at}.pattern: required for kind regex";
                else if (InvalidPattern(Pattern) is { } problem) yield return $"{at}.pattern: {problem}";
                break;
            case "length":
                if (TargetLength < 0) yield return $"{at}.target_length: must be 0 or more";
                if (!(LengthScale > 0)) yield return $"{at}.length_scale: must be positive";
                break;
            case "reward_model":
                if (string.IsNullOrWhiteSpace(Path)) yield return $"{at}.path: required for kind reward_model";
                break;
            case "judge":
                if (string.IsNullOrWhiteSpace(Judge)) yield return $"{at}.judge: required for kind judge";
                break;
            case "http":
                if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    yield return $"{at}.url: required for kind http, an absolute http:// or https:// address";
                if (!(TimeoutSeconds > 0)) yield return $"{at}.timeout_seconds: must be positive";
                break;
            default:
                yield return $"{at}.kind: '{Kind}' is not one of keyword, regex, length, reward_model, judge, http";
                break;
        }
        if (Kind is "keyword" or "regex" && MaxMatches < 1) yield return $"{at}.max_matches: must be at least 1";
    }

    static string? InvalidPattern(string pattern)
    {
        try { _ = new System.Text.RegularExpressions.Regex(pattern); return null; }
        catch (ArgumentException e) { return "invalid regular expression: " + e.Message; }
    }
}
