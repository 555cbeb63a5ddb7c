using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Baselines;

/// <summary>
/// "The answer best supported by the passages wins": the share of its word bigrams found in the passages (the
/// prompt when it has none). Needs no training; the heuristic a grounded-QA reward model must beat.
/// </summary>
public sealed class PassageOverlapBaseline : IPairBaseline
{
    static readonly int BigramPrecision = GroundingFeatures.Names.ToList().IndexOf("bigram_precision");

    public string Name => "passage bigram overlap";

    public void Fit(IReadOnlyList<RewardPair> train) { }

    public double Score(string prompt, string completion) => GroundingFeatures.Of(prompt, completion)[BigramPrecision];
}
