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

    /// <summary>
    /// <see cref="Grounding"/> plus <see cref="ReferenceFeatures"/>: how close the completion comes to the prompt's
    /// reference answer (word and bigram F1, ROUGE-L), when pairs and inputs carry one (qa-feedback's <c>gold</c>, a
    /// <c>reference</c> field). The reference travels beside the prompt, never in it, so a policy cannot copy it.
    /// </summary>
    GroundingReference,
}
