using Preference.Cli.Judging;
using Preference.Judges.Configuration;
using Preference.Models.Generation;
using Preference.Training.Ppo;
using Preference.Training.Rewards;

namespace Preference.Cli.Rewards;

/// <summary>
/// Builds a config's reward sources, including the kinds training cannot build alone: reward models (loaded from
/// their export) and judges (compared against a baseline policy's own completion of the prompt). PPO and the reward
/// server (`pref serve-reward`) both build their rewards here, from the same <c>rewards:</c> list.
/// </summary>
public static class CliRewardSources
{
    public static Task<WeightedReward> BuildAsync(PpoConfig config, PpoModels models, TorchSharp.torch.Device device,
        CancellationToken cancellationToken) =>
        BuildAsync(config.Rewards, () => new ReferenceBaseline(models.Reference, models.Tokenizer, new GenerationOptions
        {
            MaxNewTokens = config.ResponseLength,
            Temperature = config.Temperature,
            TopK = config.TopK,
            TopP = config.TopP,
            Seed = config.Seed,
            EosTokenId = config.StopTokenId ?? models.Tokenizer.EosId,
        }), device, cancellationToken);

    /// <param name="baseline">Makes the baseline judges compare against; called once, and only if a judge is configured.</param>
    /// <param name="modelBatchSize">Completions per reward-model forward pass.</param>
    public static async Task<WeightedReward> BuildAsync(IReadOnlyList<RewardSpec> specs, Func<ReferenceBaseline> baseline,
        TorchSharp.torch.Device device, CancellationToken cancellationToken, int modelBatchSize = 32)
    {
        var judges = new Dictionary<string, JudgeConfig>();
        foreach (var spec in specs.Where(s => s.Kind == "judge"))
            judges[spec.Judge!] = await JudgeConfigs.LoadAsync(new FileInfo(spec.Judge!), cancellationToken);

        var reference = judges.Count > 0 ? baseline() : null;
        return RewardSources.Build(specs, (spec, name) => spec.Kind switch
        {
            "reward_model" => new RewardModelSource(name, RewardModelLoader.Load(spec.Path!, device), modelBatchSize),
            "judge" => new JudgeRewardSource(
                new JudgePairwiseAdapter(JudgeConfigLoader.CreateJudge(judges[spec.Judge!]), judges[spec.Judge!].Parallelism),
                reference!.CompleteAsync),
            _ => throw new ArgumentException($"reward kind '{spec.Kind}' is unknown"),
        });
    }
}
