using Preference.Cli.Judging;
using Preference.Core.Judging;
using Preference.Core.Rewards;
using Preference.Judges.Configuration;
using Preference.Models.Generation;
using Preference.Training.Grpo;
using Preference.Training.Ppo;
using Preference.Training.Rewards;

namespace Preference.Cli.Rewards;

/// <summary>
/// Builds a config's reward sources, including the kinds training cannot build alone: reward models (loaded from
/// their export) and judges. PPO and the reward server (`pref serve-reward`) compare each completion with a baseline
/// policy's own completion of the prompt; GRPO ranks each prompt's completions against each other. All three build
/// their rewards here, from the same <c>rewards:</c> list.
/// </summary>
public static class CliRewardSources
{
    public static Task<WeightedReward> BuildAsync(PpoConfig config, PpoModels models, TorchSharp.torch.Device device,
        CancellationToken cancellationToken) =>
        BuildAsync(config.Rewards, AgainstBaseline(() => new ReferenceBaseline(models.Reference, models.Tokenizer, new GenerationOptions
        {
            MaxNewTokens = config.ResponseLength,
            Temperature = config.Temperature,
            TopK = config.TopK,
            TopP = config.TopP,
            Seed = config.Seed,
            EosTokenId = config.StopTokenId ?? models.Tokenizer.EosId,
        })), device, cancellationToken);

    public static Task<WeightedReward> BuildAsync(GrpoConfig config, TorchSharp.torch.Device device, CancellationToken cancellationToken) =>
        BuildAsync(config.Rewards, (judge, parallelism, name) => new GroupJudgeReward(judge, parallelism, name), device, cancellationToken);

    /// <summary>A judge compares each completion with the baseline's own; the baseline is made once, for the first judge.</summary>
    public static Func<IJudge, int, string, IRewardSource> AgainstBaseline(Func<ReferenceBaseline> baseline)
    {
        ReferenceBaseline? made = null;
        return (judge, parallelism, _) => new JudgeRewardSource(judge, parallelism, (made ??= baseline()).CompleteAsync);
    }

    /// <param name="judgeReward">How a judge (with its config's parallelism and the spec's display name) becomes a reward in this algorithm.</param>
    /// <param name="modelBatchSize">Completions per reward-model forward pass.</param>
    public static async Task<WeightedReward> BuildAsync(IReadOnlyList<RewardSpec> specs, Func<IJudge, int, string, IRewardSource> judgeReward,
        TorchSharp.torch.Device device, CancellationToken cancellationToken, int modelBatchSize = 32)
    {
        var judges = new Dictionary<string, JudgeConfig>();
        foreach (var spec in specs.Where(s => s.Kind == "judge"))
            judges[spec.Judge!] = await JudgeConfigs.LoadAsync(new FileInfo(spec.Judge!), cancellationToken);

        return RewardSources.Build(specs, (spec, name) => spec.Kind switch
        {
            "reward_model" => new RewardModelSource(name, RewardModelLoader.Load(spec.Path!, device), modelBatchSize),
            "judge" => judgeReward(JudgeConfigLoader.CreateJudge(judges[spec.Judge!]), judges[spec.Judge!].Parallelism, name),
            _ => throw new ArgumentException($"reward kind '{spec.Kind}' is unknown"),
        });
    }
}
