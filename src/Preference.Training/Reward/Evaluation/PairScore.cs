using System.Text.Json.Serialization;

namespace Preference.Training.Reward.Evaluation;

/// <summary>One line of a per-pair scores file: both rewards, so a user can look at the pairs the model gets wrong.</summary>
public sealed record PairScore(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("chosen_score")] float ChosenScore,
    [property: JsonPropertyName("rejected_score")] float RejectedScore,
    [property: JsonPropertyName("tie")] bool Tie,
    [property: JsonPropertyName("correct")] bool Correct,
    [property: JsonPropertyName("prompt_tail")] string PromptTail);
