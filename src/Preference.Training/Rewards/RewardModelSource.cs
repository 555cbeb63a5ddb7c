using Preference.Training.Reward.Modeling;

namespace Preference.Training.Rewards;

/// <summary>
/// A trained reward model as a reward source. Prompt and completion are joined and windowed exactly as the reward
/// trainer presented pairs (the model's own context rule, tokenizer, truncation and pooling), and the raw score
/// is normalised with the statistics recorded at training time, so PPO sees rewards on the scale the model learned.
/// An input's <see cref="RewardInput.Reference"/> reaches reference-guided features; without one they read as absent.
/// </summary>
public sealed class RewardModelSource(string name, RewardModel model, int batchSize = 32) : IRewardSource
{
    public string Name { get; } = name;

    public Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var raw = model.Score(batch.Select(input => (input.Prompt, input.Completion, input.Reference)).ToList(), batchSize, cancellationToken);
        var statistics = model.Statistics;
        return Task.FromResult(statistics is null ? raw : raw.Select(r => (float)statistics.Normalize(r)).ToArray());
    }
}
