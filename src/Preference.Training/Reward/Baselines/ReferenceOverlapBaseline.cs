using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Baselines;

/// <summary>
/// "The answer closest to the reference wins": word F1 (SQuAD-style) against the prompt's reference answer. Needs no
/// training; the rule a reference-guided reward model must beat. Without a reference every answer scores 0 (a tie).
/// </summary>
public sealed class ReferenceOverlapBaseline : IPairBaseline
{
    public string Name => "reference word-F1 rule";

    public void Fit(IReadOnlyList<RewardPair> train) { }

    public double Score(string prompt, string completion) => 0;

    public double Score(string prompt, string completion, string? reference) =>
        reference is null ? 0 : ReferenceFeatures.Overlap(TextWords.Of(completion), TextWords.Of(reference)).F1;
}
