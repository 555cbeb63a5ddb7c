using Preference.Core.Rewards;
using Preference.Training.Ppo;
using Preference.Training.Rewards;

namespace Preference.Training.Grpo;

/// <summary>A step's metrics under TRL GRPOTrainer's names, plus the phase timings and the no-learning flags.</summary>
public static class GrpoMetrics
{
    public static Dictionary<string, double> Of(GroupRollout rollout, GrpoUpdateStats stats, IRewardSource reward, GrpoConfig config,
        long step, PhaseTimes times)
    {
        var rewards = rollout.Rewards.Cast<float>().ToArray();
        var groupStds = GroupAdvantages.GroupStds(rollout.Rewards);
        double zeroStd = groupStds.Count(s => Math.Abs(s) <= 1e-8) / (double)groupStds.Length;
        var lengths = rollout.CompletionLengths;
        double clipped = rollout.EndedWithEos.Count(e => !e) / (double)rollout.EndedWithEos.Length;
        var terminated = lengths.Where((_, i) => rollout.EndedWithEos[i]).ToArray();
        var metrics = new Dictionary<string, double>
        {
            ["reward"] = rewards.Average(),
            ["reward_std"] = groupStds.Average(),
            ["frac_reward_zero_std"] = zeroStd,
            ["completions/mean_length"] = lengths.Average(),
            ["completions/min_length"] = lengths.Min(),
            ["completions/max_length"] = lengths.Max(),
            ["completions/clipped_ratio"] = clipped,
            ["completions/mean_terminated_length"] = terminated.Length > 0 ? terminated.Average() : 0,
            ["entropy"] = stats.Entropy,
            ["clip_ratio/low_mean"] = stats.LowClipped,
            ["clip_ratio/high_mean"] = stats.HighClipped,
            ["clip_ratio/region_mean"] = stats.RegionClipped,
            ["loss"] = stats.Loss,
            ["learning_rate"] = stats.LearningRate,
            ["grad_norm"] = stats.GradNorm,
            ["episode"] = step * config.GenerationBatchSize,
            ["warnings/zero_reward_spread"] = zeroStd > GrpoTrainer.WarningFraction ? 1 : 0,
            ["warnings/truncated_completions"] = clipped > GrpoTrainer.WarningFraction ? 1 : 0,
            ["time/generate"] = times.Generate,
            ["time/score"] = times.Score,
            ["time/train"] = times.Train,
            ["perf/samples_per_second"] = config.GenerationBatchSize / times.Total,
        };
        if (stats.Kl is { } kl) metrics["kl"] = kl;
        if (reward is WeightedReward weighted)
            foreach (var (name, mean) in weighted.LastPartMeans) metrics[$"rewards/{name}/mean"] = mean;
        return metrics;
    }
}
