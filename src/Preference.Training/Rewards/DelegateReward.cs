using Preference.Core.Rewards;

namespace Preference.Training.Rewards;

/// <summary>A reward from a C# function of one completion: the plug-in point for any rule a user can write.</summary>
public sealed class DelegateReward(string name, Func<RewardInput, double> score) : IRewardSource
{
    public string Name { get; } = name;

    public Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var scores = new float[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double value = score(batch[i]);
            if (!double.IsFinite(value))
                throw new InvalidOperationException($"reward '{Name}' returned {value} for completion {i}; rewards must be finite");
            scores[i] = (float)value;
        }
        return Task.FromResult(scores);
    }
}
