using Preference.Core.Rewards;

namespace Preference.Training.Rewards;

/// <summary>
/// Rewards closeness to a target length in characters: 0 at the target, falling by 1 per <c>scale</c> characters away.
/// A target (rather than "longer is better") is what keeps a length reward from being gamed by rambling.
/// </summary>
public static class LengthReward
{
    public static IRewardSource Create(string name, int targetCharacters, double scale = 100)
    {
        if (targetCharacters < 0) throw new ArgumentOutOfRangeException(nameof(targetCharacters), targetCharacters, "target length must be 0 or more");
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive");
        return new DelegateReward(name, input => -Math.Abs(input.Completion.Length - targetCharacters) / scale);
    }
}
