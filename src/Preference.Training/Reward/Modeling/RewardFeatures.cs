namespace Preference.Training.Reward.Modeling;

/// <summary>Hand-written inputs a reward model adds to what its trunk reads.</summary>
public enum RewardFeatures
{
    /// <summary>The trunk's heads alone.</summary>
    None,

    /// <summary>
    /// Plus <c>feature_score</c> on <see cref="GroundingFeatures"/> (support of the completion in its passages or prompt,
    /// repetition, length, coverage), learned jointly with the trunk by the same Bradley–Terry loss.
    /// </summary>
    Grounding,
}
