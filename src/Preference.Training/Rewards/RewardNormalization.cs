using System.Text.Json;
using System.Text.Json.Serialization;

namespace Preference.Training.Rewards;

/// <summary>
/// Mean and standard deviation of a reward model's raw scores on its reference data, so PPO sees
/// <c>(r − mean) / std</c>: rewards near N(0, 1) keep the KL coefficient and value loss on a scale that transfers
/// between reward models. Read from the reward model's export (<c>reward_statistics.json</c>).
/// </summary>
public sealed record RewardNormalization(
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("std")] double Std)
{
    public const string FileName = "reward_statistics.json";

    public static RewardNormalization Identity { get; } = new(0, 1);

    public double Apply(double raw) => (raw - Mean) / (Std > 1e-8 ? Std : 1);

    /// <summary>Reads the statistics beside a reward model, or null when the export has none.</summary>
    public static RewardNormalization? TryRead(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path)) return null;
        var stats = JsonSerializer.Deserialize<RewardNormalization>(File.ReadAllText(path))
                    ?? throw new InvalidDataException($"{path}: empty");
        if (!double.IsFinite(stats.Mean) || !(stats.Std >= 0))
            throw new InvalidDataException($"{path}: mean must be finite and std 0 or more (got {stats.Mean}, {stats.Std})");
        return stats;
    }
}
