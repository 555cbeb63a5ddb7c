using Preference.Core.Judging;
using Preference.Judges.OpenAi;
using Preference.Judges.PositionBias;
using Preference.Judges.Resilience;
using Preference.Judges.Rules;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Preference.Judges.Configuration;

/// <summary>
/// Loads a judge configuration (YAML, snake_case keys), checks every field and builds the judge it describes. Unknown
/// keys are errors, not silently ignored: a misspelt "temprature" must not quietly judge at the default.
/// </summary>
public static class JudgeConfigLoader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public static async Task<JudgeConfig> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new JudgeConfigException($"{path}: no such judge configuration");
        var text = await File.ReadAllTextAsync(path, cancellationToken);
        JudgeConfig? config;
        try
        {
            config = Yaml.Deserialize<JudgeConfig>(text);
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
            throw new JudgeConfigException($"{path}: line {e.Start.Line}: {reason}", e);
        }
        if (config is null) throw new JudgeConfigException($"{path}: the file is empty");
        if (Validate(config) is { } problem) throw new JudgeConfigException($"{path}: {problem}");
        return config;
    }

    /// <summary>Returns "key: problem" for the first invalid field, or null.</summary>
    public static string? Validate(JudgeConfig config)
    {
        if (string.IsNullOrWhiteSpace(config.Name)) return "name: required (the annotator name verdicts are stored under)";
        if (config.Parallelism < 1) return "parallelism: must be at least 1";
        if (config.PositionBias is { } bias && ParseBias(bias) is null && bias != "off")
            return $"position_bias: '{bias}' is not one of off, tie, mean-rank, fail";
        switch (config.Kind)
        {
            case "openai":
                if (config.Openai is not { } o) return "openai: required when kind is openai";
                if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                    return $"openai.base_url: '{o.BaseUrl}' is not an http(s) URL";
                if (string.IsNullOrWhiteSpace(o.Model)) return "openai.model: required";
                if (o.Temperature is < 0 or > 2) return "openai.temperature: must be within 0..2";
                if (o.MaxOutputTokens < 16) return "openai.max_output_tokens: must be at least 16 (room for a verdict)";
                return config.Resilience is { } r && ToSettings(r).Validate() is { } rp ? "resilience." + rp : null;
            case "length":
                if (config.Length?.Prefer is { } prefer && prefer is not ("longer" or "shorter"))
                    return $"length.prefer: '{prefer}' is not longer or shorter";
                if (config.Length?.TieTolerance < 0) return "length.tie_tolerance: must be 0 or more";
                return null;
            case "keyword":
                if (config.Keyword?.Rules is not { Count: > 0 } rules) return "keyword.rules: at least one rule is required";
                for (int i = 0; i < rules.Count; i++)
                {
                    if (string.IsNullOrEmpty(rules[i].Pattern)) return $"keyword.rules[{i}].pattern: required";
                    try { _ = new System.Text.RegularExpressions.Regex(rules[i].Pattern!); }
                    catch (ArgumentException e) { return $"keyword.rules[{i}].pattern: invalid regular expression: {e.Message}"; }
                }
                return null;
            case null or "":
                return "kind: required (openai, length or keyword)";
            default:
                return $"kind: '{config.Kind}' is not one of openai, length, keyword";
        }
    }

    /// <summary>Builds the configured judge, wrapped in position-bias control unless position_bias is off.</summary>
    /// <param name="environment">Reads environment variables (the API key); injectable for tests.</param>
    public static IJudge CreateJudge(JudgeConfig config, Func<string, string?>? environment = null, HttpClient? http = null)
    {
        if (Validate(config) is { } problem) throw new JudgeConfigException(problem);
        environment ??= Environment.GetEnvironmentVariable;
        IJudge judge = config.Kind switch
        {
            "openai" => CreateChatJudge(config, environment, http),
            "length" => LengthJudge.Create(config.Name!,
                config.Length?.Prefer == "shorter" ? LengthPreference.Shorter : LengthPreference.Longer,
                config.Length?.TieTolerance ?? 0),
            _ => KeywordJudge.Create(config.Name!,
                config.Keyword!.Rules!.Select(r => new KeywordRule(r.Pattern!, r.Weight, r.IgnoreCase)).ToList(),
                config.Keyword.TieTolerance),
        };
        // An LLM is balanced across both orders by default; rules cannot see positions, so they need not pay twice.
        var bias = config.PositionBias ?? (config.Kind == "openai" ? "tie" : "off");
        return ParseBias(bias) is { } policy ? new PositionBalancedJudge(judge, policy) : judge;
    }

    private static ChatJudge CreateChatJudge(JudgeConfig config, Func<string, string?> environment, HttpClient? http)
    {
        var o = config.Openai!;
        var key = o.ApiKey ?? environment(o.ApiKeyEnv ?? "OPENAI_API_KEY");
        var client = OpenAiChatClients.Create(new Uri(o.BaseUrl!), o.Model!, key, http);
        return new ChatJudge(client, new ChatJudgeOptions
        {
            Name = config.Name!,
            Model = o.Model!,
            Temperature = o.Temperature,
            MaxOutputTokens = o.MaxOutputTokens,
            Seed = o.Seed,
            Resilience = ToSettings(config.Resilience ?? new ResilienceSection()),
        });
    }

    private static ResilienceSettings ToSettings(ResilienceSection r) => new()
    {
        Timeout = TimeSpan.FromSeconds(r.TimeoutSeconds),
        MaxRetries = r.MaxRetries,
        BaseDelay = TimeSpan.FromSeconds(r.BaseDelaySeconds),
        MaxDelay = TimeSpan.FromSeconds(r.MaxDelaySeconds),
        MaxConcurrency = r.MaxConcurrency,
        RequestsPerMinute = r.RequestsPerMinute,
        CircuitFailureRatio = r.CircuitFailureRatio,
        CircuitMinimumThroughput = r.CircuitMinimumThroughput,
        CircuitBreakDuration = TimeSpan.FromSeconds(r.CircuitBreakSeconds),
    };

    private static OrderDisagreement? ParseBias(string value) => value switch
    {
        "tie" => OrderDisagreement.Tie,
        "mean-rank" => OrderDisagreement.MeanRank,
        "fail" => OrderDisagreement.Fail,
        _ => null,
    };
}
