using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Training;

/// <summary>A pair tokenized once, before training, with whether either side lost its beginning to truncation.</summary>
public sealed record EncodedPair(RewardPair Pair, WindowedText Chosen, WindowedText Rejected)
{
    public bool Truncated => Chosen.Truncated || Rejected.Truncated;

    public static IReadOnlyList<EncodedPair> Encode(IReadOnlyList<RewardPair> pairs, TokenWindow window) =>
        pairs.AsParallel().AsOrdered().Select(p => new EncodedPair(p, window.Encode(p.Prompt, p.Chosen, p.Reference), window.Encode(p.Prompt, p.Rejected, p.Reference))).ToList();
}
