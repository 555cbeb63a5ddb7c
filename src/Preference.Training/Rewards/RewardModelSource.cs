using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Rewards;

/// <summary>
/// A trained reward model as a reward source. Prompt and completion are joined and windowed exactly as the reward
/// trainer presented pairs (<see cref="RewardText.Join"/>, the model's own tokenizer and truncation), and the raw score
/// is normalised with the statistics recorded at training time, so PPO sees rewards on the scale the model learned.
/// </summary>
public sealed class RewardModelSource(string name, RewardModel model, int batchSize = 32) : IRewardSource
{
    public string Name { get; } = name;

    public Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var texts = batch.Select(input => RewardText.Join(input.Prompt, input.Completion)).ToList();
        var raw = model.Score(texts, batchSize, cancellationToken);
        var statistics = model.Statistics;
        return Task.FromResult(statistics is null ? raw : raw.Select(r => (float)statistics.Normalize(r)).ToArray());
    }
}
