namespace Preference.Judges.Configuration;

// The YAML shape of a judge configuration (configs/judge*.yaml). Mutable classes because YamlDotNet fills them;
// JudgeConfigLoader validates every field and names the key and file of anything wrong.

/// <summary>A judge configuration file.</summary>
public sealed class JudgeConfig
{
    /// <summary>Annotator name; verdicts are idempotent per task and name, so change it when the judge changes.</summary>
    public string? Name { get; set; }

    /// <summary>openai (any OpenAI-compatible endpoint), length, keyword.</summary>
    public string? Kind { get; set; }

    /// <summary>off, tie (default for openai), mean-rank or fail: see OrderDisagreement.</summary>
    public string? PositionBias { get; set; }

    /// <summary>Tasks judged at once (default 4).</summary>
    public int Parallelism { get; set; } = 4;

    public OpenAiSection? Openai { get; set; }
    public ResilienceSection? Resilience { get; set; }
    public LengthSection? Length { get; set; }
    public KeywordSection? Keyword { get; set; }
}

public sealed class OpenAiSection
{
    /// <summary>API root with its version segment: http://localhost:8000/v1 (vLLM), http://localhost:11434/v1 (Ollama).</summary>
    public string? BaseUrl { get; set; }
    public string? Model { get; set; }
    /// <summary>The key itself; prefer api_key_env so keys stay out of files.</summary>
    public string? ApiKey { get; set; }
    /// <summary>Environment variable holding the key (default OPENAI_API_KEY; unset is fine for local servers).</summary>
    public string? ApiKeyEnv { get; set; }
    public float Temperature { get; set; }
    public int MaxOutputTokens { get; set; } = 512;
    public long? Seed { get; set; }
}

public sealed class ResilienceSection
{
    public double TimeoutSeconds { get; set; } = 60;
    public int MaxRetries { get; set; } = 4;
    public double BaseDelaySeconds { get; set; } = 1;
    public double MaxDelaySeconds { get; set; } = 60;
    public int MaxConcurrency { get; set; } = 4;
    public int RequestsPerMinute { get; set; }
    public double CircuitFailureRatio { get; set; } = 0.5;
    public int CircuitMinimumThroughput { get; set; } = 10;
    public double CircuitBreakSeconds { get; set; } = 15;
}

public sealed class LengthSection
{
    /// <summary>longer (default) or shorter.</summary>
    public string? Prefer { get; set; }
    /// <summary>Lengths within this many characters tie.</summary>
    public int TieTolerance { get; set; }
}

public sealed class KeywordSection
{
    public List<KeywordRuleSection>? Rules { get; set; }
    public double TieTolerance { get; set; }
}

public sealed class KeywordRuleSection
{
    public string? Pattern { get; set; }
    public double Weight { get; set; } = 1;
    public bool IgnoreCase { get; set; } = true;
}
