namespace Preference.Training.Reward.Modeling;

/// <summary>The feature vector each <see cref="RewardFeatures"/> value stands for: its names in order, and its values.</summary>
public static class RewardFeatureSet
{
    public static IReadOnlyList<string> Names(RewardFeatures features) => features switch
    {
        RewardFeatures.None => [],
        RewardFeatures.Grounding => GroundingFeatures.Names,
        RewardFeatures.GroundingReference => [.. GroundingFeatures.Names, .. ReferenceFeatures.Names],
        _ => throw new ArgumentOutOfRangeException(nameof(features), features, "unknown feature set"),
    };

    public static int Count(RewardFeatures features) => Names(features).Count;

    /// <summary>The features of one completion; null for <see cref="RewardFeatures.None"/>.</summary>
    /// <param name="reference">The prompt's reference answer, read only by sets that use one; null when there is none.</param>
    public static float[]? Of(RewardFeatures features, string prompt, string completion, string? reference) => features switch
    {
        RewardFeatures.None => null,
        RewardFeatures.Grounding => GroundingFeatures.Of(prompt, completion),
        RewardFeatures.GroundingReference => [.. GroundingFeatures.Of(prompt, completion), .. ReferenceFeatures.Of(completion, reference)],
        _ => throw new ArgumentOutOfRangeException(nameof(features), features, "unknown feature set"),
    };
}
