using Preference.Cli.Judging;
using Preference.Judges.Configuration;
using Preference.Models.Generation;
using Preference.Training.Ppo;
using Preference.Training.Rewards;

namespace Preference.Cli.Rewards;

/// <summary>
/// Builds a PPO config's reward sources, including the kinds training cannot build alone: reward models (loaded from
/// their export) and judges (compared against the reference policy's own completion of the prompt).
/// </summary>
public static class CliRewardSources
{
    public static async Task<WeightedReward> BuildAsync(PpoConfig config, PpoModels models, TorchSharp.torch.Device device,
        CancellationToken cancellationToken)
    {
        var judges = new Dictionary<string, JudgeConfig>();
        foreach (var spec in config.Rewards.Where(s => s.Kind == "judge"))
            judges[spec.Judge!] = await JudgeConfigs.LoadAsync(new FileInfo(spec.Judge!), cancellationToken);

        var baseline = new ReferenceBaseline(models.Reference, models.Tokenizer, new GenerationOptions
        {
            MaxNewTokens = config.ResponseLength,
            Temperature = config.Temperature,
            TopK = config.TopK,
            TopP = config.TopP,
            Seed = config.Seed,
            EosTokenId = config.StopTokenId ?? models.Tokenizer.EosId,
        });
        return RewardSources.Build(config.Rewards, (spec, name) => spec.Kind switch
        {
            "reward_model" => RewardModel(spec, name, device),
            "judge" => new JudgeRewardSource(
                new JudgePairwiseAdapter(JudgeConfigLoader.CreateJudge(judges[spec.Judge!]), judges[spec.Judge!].Parallelism),
                baseline.CompleteAsync),
            _ => throw new ArgumentException($"reward kind '{spec.Kind}' is unknown"),
        });
    }

    static RewardModelSource RewardModel(RewardSpec spec, string name, TorchSharp.torch.Device device) =>
        new(name, RewardModelLoader.Load(spec.Path!, device));
}
