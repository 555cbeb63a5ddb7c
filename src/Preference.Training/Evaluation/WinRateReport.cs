using System.Text.Json.Serialization;

namespace Preference.Training.Evaluation;

/// <summary>One judged pair, kept in the report so a reader can check the judge.</summary>
public sealed record WinRateSample(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("baseline")] string Baseline,
    [property: JsonPropertyName("outcome")] string Outcome);

/// <summary>What `pref eval winrate` reports.</summary>
public sealed record WinRateReport
{
    [JsonPropertyName("judge")] public required string Judge { get; init; }
    [JsonPropertyName("prompts")] public required int Prompts { get; init; }
    [JsonPropertyName("comparisons")] public required int Comparisons { get; init; }
    [JsonPropertyName("wins")] public required int Wins { get; init; }
    [JsonPropertyName("ties")] public required int Ties { get; init; }
    [JsonPropertyName("losses")] public required int Losses { get; init; }
    [JsonPropertyName("failed")] public required int Failed { get; init; }
    /// <summary>(wins + ties / 2) / judged.</summary>
    [JsonPropertyName("win_rate")] public required double WinRate { get; init; }
    [JsonPropertyName("win_rate_ci95_low")] public required double CiLow { get; init; }
    [JsonPropertyName("win_rate_ci95_high")] public required double CiHigh { get; init; }
    /// <summary>Mean KL(policy ‖ reference) per sample, nats, at the sampling temperature.</summary>
    [JsonPropertyName("mean_kl_policy")] public required double MeanKlPolicy { get; init; }
    [JsonPropertyName("mean_kl_baseline")] public required double MeanKlBaseline { get; init; }
    /// <summary>Reference-model perplexity of the policy's completions (fluency).</summary>
    [JsonPropertyName("reference_perplexity_policy")] public required double ReferencePerplexityPolicy { get; init; }
    [JsonPropertyName("reference_perplexity_baseline")] public required double ReferencePerplexityBaseline { get; init; }
    [JsonPropertyName("samples")] public required IReadOnlyList<WinRateSample> Samples { get; init; }
}
