using Preference.Judges.RewardModel;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Cli.Reward;

/// <summary>
/// A trained reward model as the judges' <see cref="IRewardScorer"/> (Training may not reference Judges, so the
/// adapter lives where both meet). Returns raw rewards; the ranking a judge derives from them is the same either way.
/// </summary>
public sealed class RewardModelScorer(RewardModel model, string modelName) : IRewardScorer
{
    readonly SemaphoreSlim gate = new(1, 1);

    public string ModelName { get; } = modelName;

    public async Task<IReadOnlyList<float>> ScoreAsync(IReadOnlyList<ScoringInput> batch, CancellationToken cancellationToken = default)
    {
        // One model, one forward pass at a time: TorchSharp modules are not safe for concurrent use.
        await gate.WaitAsync(cancellationToken);
        try
        {
            var texts = batch.Select(i => (i.Prompt, i.Completion)).ToList();
            return await Task.Run(() => model.Score(texts, cancellationToken: cancellationToken), cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }
}
