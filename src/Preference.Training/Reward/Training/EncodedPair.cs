using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Training;

/// <summary>A pair tokenized once, before training, with whether either side lost its beginning to truncation.</summary>
public sealed record EncodedPair(RewardPair Pair, int[] Chosen, int[] Rejected, bool Truncated)
{
    public static IReadOnlyList<EncodedPair> Encode(IReadOnlyList<RewardPair> pairs, TokenWindow window) =>
        pairs.AsParallel().AsOrdered().Select(p =>
        {
            var (chosen, cutChosen) = window.Encode(RewardText.Join(p.Prompt, p.Chosen));
            var (rejected, cutRejected) = window.Encode(RewardText.Join(p.Prompt, p.Rejected));
            return new EncodedPair(p, chosen, rejected, cutChosen || cutRejected);
        }).ToList();
}
