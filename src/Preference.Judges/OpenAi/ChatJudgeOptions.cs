using Preference.Judges.Resilience;

namespace Preference.Judges.OpenAi;

/// <summary>Settings of an LLM judge; every field that changes verdicts is recorded in the judge's identity.</summary>
public sealed record ChatJudgeOptions
{
    /// <summary>Annotator name under which verdicts are stored (unique per configuration).</summary>
    public required string Name { get; init; }

    /// <summary>Model id as the endpoint knows it (e.g. gpt-4o-mini, Qwen/Qwen2.5-7B-Instruct, llama3.1:8b).</summary>
    public required string Model { get; init; }

    /// <summary>Sampling temperature (default 0: a judge should be as repeatable as the endpoint allows).</summary>
    public float Temperature { get; init; }

    /// <summary>Reply length cap in tokens (default 512: room for a short rationale and the verdict).</summary>
    public int MaxOutputTokens { get; init; } = 512;

    /// <summary>Sampling seed, for endpoints that honour one.</summary>
    public long? Seed { get; init; }

    public ResilienceSettings Resilience { get; init; } = new();
}
