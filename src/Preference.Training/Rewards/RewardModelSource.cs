using Preference.Core.Rewards;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Rewards;

/// <summary>
/// A trained reward model as a reward source. Prompt and completion are joined and windowed exactly as the reward
/// trainer presented pairs (the model's own context rule, tokenizer, truncation and pooling), and the raw score
/// is normalised with the statistics recorded at training time, so PPO sees rewards on the scale the model learned
/// (and a reward-model judge's tie tolerance is in those units; normalising never changes a ranking).
/// An input's <see cref="RewardInput.Reference"/> reaches reference-guided features; without one they read as absent.
/// </summary>
public sealed class RewardModelSource(string name, RewardModel model, int batchSize = 32) : IRewardSource
{
    // One forward pass at a time: TorchSharp modules are not safe for concurrent use, and a judge runner scores
    // several tasks at once. The RL loop calls from one thread and never waits here.
    readonly Lock _gate = new();

    public string Name { get; } = name;

    public Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        float[] raw;
        lock (_gate) raw = model.Score(batch.Select(input => (input.Prompt, input.Completion, input.Reference)).ToList(), batchSize, cancellationToken);
        var statistics = model.Statistics;
        return Task.FromResult(statistics is null ? raw : raw.Select(r => (float)statistics.Normalize(r)).ToArray());
    }
}
