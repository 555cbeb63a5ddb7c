using Preference.Cli.Serving;
using Preference.Training.Reward.Export;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Cli.Pipeline;

/// <summary>
/// The quickstart's PPO rewards: the reward model exactly as `pref rm train` exports it (Hugging Face
/// LlamaForSequenceClassification directory with its reward statistics), plus any rule rewards the config adds.
/// Judges as rewards are left to `pref ppo`; the quickstart's judge is kept for the evaluation only.
/// </summary>
public sealed class LearnedRewardSources : IDisposable
{
    readonly List<IDisposable> _models = [];

    public WeightedReward Build(IReadOnlyList<RewardSpec> specs, torch.Device device) =>
        RewardSources.Build(specs, (spec, name) => spec.Kind switch
        {
            "reward_model" => Load(spec, name, device),
            _ => throw new CliException($"ppo.rewards: kind '{spec.Kind}' is not available in the quickstart (use reward_model, keyword, regex or length)"),
        });

    RewardModelSource Load(RewardSpec spec, string name, torch.Device device)
    {
        Training.Reward.Modeling.RewardModel model;
        try
        {
            model = RewardModelDirectory.Load(spec.Path!, device);
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or Models.ModelFormatException)
        {
            throw new CliException($"ppo.rewards: reward model '{spec.Path}': {e.Message}");
        }
        _models.Add(model);
        var normalization = model.Statistics is { } s ? new RewardNormalization(s.Mean, s.Std) : RewardNormalization.Identity;
        return new RewardModelSource(name, model.Network, model.Tokenizer, normalization, spec.MaxLength);
    }

    public void Dispose()
    {
        foreach (var model in _models) model.Dispose();
    }
}
