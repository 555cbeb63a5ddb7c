using System.Text.Json.Serialization;
using Preference.Training.Common;

namespace Preference.Training.Reward.Training;

/// <summary>
/// One line of metrics.jsonl. Names are stable and slash-separated like TRL's and the same as every other stage's
/// (train/loss, train/learning_rate, train/grad_norm, train/epoch, eval/…), so runs compare across stages and tools;
/// validation fields are present only on steps where validation ran.
/// </summary>
public sealed record RewardMetrics
{
    [JsonPropertyName("step")] public required int Step { get; init; }
    [JsonPropertyName("train/epoch")] public required double Epoch { get; init; }
    [JsonPropertyName("train/loss")] public required double Loss { get; init; }
    [JsonPropertyName("train/accuracy")] public required double Accuracy { get; init; }
    [JsonPropertyName("train/margin")] public required double Margin { get; init; }
    [JsonPropertyName("rewards/mean")] public required double RewardMean { get; init; }
    [JsonPropertyName("rewards/std")] public required double RewardStd { get; init; }
    [JsonPropertyName("train/learning_rate")] public required double LearningRate { get; init; }
    [JsonPropertyName("train/grad_norm")] public required double GradNorm { get; init; }
    [JsonPropertyName("perf/pairs_per_second")] public required double PairsPerSecond { get; init; }
    [JsonPropertyName("eval/loss"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? EvalLoss { get; init; }
    [JsonPropertyName("eval/accuracy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? EvalAccuracy { get; init; }

    /// <summary>The same numbers for the shared metrics sink (metrics.jsonl), under the same names.</summary>
    public MetricsRecord ToRecord(string stage)
    {
        var values = new Dictionary<string, double>
        {
            ["train/epoch"] = Epoch, ["train/loss"] = Loss, ["train/accuracy"] = Accuracy, ["train/margin"] = Margin,
            ["rewards/mean"] = RewardMean, ["rewards/std"] = RewardStd, ["train/learning_rate"] = LearningRate,
            ["train/grad_norm"] = GradNorm, ["perf/pairs_per_second"] = PairsPerSecond,
        };
        if (EvalLoss is { } loss) values["eval/loss"] = loss;
        if (EvalAccuracy is { } accuracy) values["eval/accuracy"] = accuracy;
        return new MetricsRecord(stage, Step, values);
    }
}
