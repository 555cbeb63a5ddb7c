using Preference.Training.Reward.Data;

namespace Preference.Training.Reward.Baselines;

/// <summary>"The longer answer wins": on long-form QA a fuller answer often covers more of what was asked.</summary>
public sealed class LongerAnswerBaseline : IPairBaseline
{
    public string Name => "longer answer wins";

    public void Fit(IReadOnlyList<RewardPair> train) { }

    public double Score(string prompt, string completion) => completion.Length;
}
