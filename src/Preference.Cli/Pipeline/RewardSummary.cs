using System.Text.Json;
using System.Text.Json.Serialization;

namespace Preference.Cli.Pipeline;

/// <summary>reward/summary.json: the reward model's numbers the report and `pref runs show` print.</summary>
public sealed record RewardSummary
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("steps")] public int Steps { get; init; }
    [JsonPropertyName("best_step")] public int BestStep { get; init; }
    [JsonPropertyName("validation_accuracy")] public double ValidationAccuracy { get; init; }
    [JsonPropertyName("validation_loss")] public double ValidationLoss { get; init; }
    [JsonPropertyName("train_pairs")] public int TrainPairs { get; init; }
    [JsonPropertyName("reward_mean")] public double RewardMean { get; init; }
    [JsonPropertyName("reward_std")] public double RewardStd { get; init; }
}
