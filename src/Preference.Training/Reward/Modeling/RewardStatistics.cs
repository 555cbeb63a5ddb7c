using System.Text.Json.Serialization;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// Mean and standard deviation of raw rewards over a reference set (every completion of the training pairs by
/// default), stored beside the weights so PPO can use <c>(r − mean) / std</c> without rescoring the data.
/// </summary>
public sealed record RewardStatistics(
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("std")] double Std,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("reference")] string Reference)
{
    public static RewardStatistics Of(IReadOnlyList<float> rewards, string reference)
    {
        if (rewards.Count == 0) throw new ArgumentException("no rewards to summarise", nameof(rewards));
        double mean = rewards.Average(r => (double)r);
        double variance = rewards.Sum(r => (r - mean) * (r - mean)) / Math.Max(1, rewards.Count - 1);
        return new RewardStatistics(mean, Math.Sqrt(variance), rewards.Count, reference);
    }

    public double Normalize(double reward) => (reward - Mean) / (Std > 1e-8 ? Std : 1);
}
