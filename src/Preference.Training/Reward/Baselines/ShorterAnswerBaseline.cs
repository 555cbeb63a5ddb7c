using Preference.Training.Reward.Data;

namespace Preference.Training.Reward.Baselines;

/// <summary>"The shorter final answer wins": on harmlessness data short refusals often beat long compliance.</summary>
public sealed class ShorterAnswerBaseline : IPairBaseline
{
    public string Name => "shorter final answer wins";

    public void Fit(IReadOnlyList<RewardPair> train) { }

    public double Score(string prompt, string completion) => -completion.Length;
}
