using System.Text.Json.Serialization;
using Preference.Training.Common;

namespace Preference.Training.Reward.Training;

/// <summary>
/// One line of metrics.jsonl. Names are stable and slash-separated like TRL's, so runs compare across tools;
/// validation fields are present only on steps where validation ran.
/// </summary>
public sealed record RewardMetrics
{
    [JsonPropertyName("step")] public required int Step { get; init; }
    [JsonPropertyName("epoch")] public required double Epoch { get; init; }
    [JsonPropertyName("train/loss")] public required double Loss { get; init; }
    [JsonPropertyName("train/accuracy")] public required double Accuracy { get; init; }
    [JsonPropertyName("train/margin")] public required double Margin { get; init; }
    [JsonPropertyName("rewards/mean")] public required double RewardMean { get; init; }
    [JsonPropertyName("rewards/std")] public required double RewardStd { get; init; }
    [JsonPropertyName("learning_rate")] public required double LearningRate { get; init; }
    [JsonPropertyName("pairs_per_second")] public required double PairsPerSecond { get; init; }
    [JsonPropertyName("eval/loss"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? EvalLoss { get; init; }
    [JsonPropertyName("eval/accuracy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? EvalAccuracy { get; init; }

    /// <summary>The same numbers for the shared metrics sink (metrics.jsonl), under the same names.</summary>
    public MetricsRecord ToRecord(string stage)
    {
        var values = new Dictionary<string, double>
        {
            ["epoch"] = Epoch, ["train/loss"] = Loss, ["train/accuracy"] = Accuracy, ["train/margin"] = Margin,
            ["rewards/mean"] = RewardMean, ["rewards/std"] = RewardStd, ["learning_rate"] = LearningRate,
            ["pairs_per_second"] = PairsPerSecond,
        };
        if (EvalLoss is { } loss) values["eval/loss"] = loss;
        if (EvalAccuracy is { } accuracy) values["eval/accuracy"] = accuracy;
        return new MetricsRecord(stage, Step, values);
    }
}
