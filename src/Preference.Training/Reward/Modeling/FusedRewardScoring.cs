using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Preference.Models.Generation.CpuFastPath;
using static TorchSharp.torch;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// <see cref="RewardModel.Score(IReadOnlyList{ValueTuple{string, string, string}}, int, CancellationToken)"/>'s CPU fast
/// path: every window runs unpadded through <see cref="FusedLlamaPrefill"/> and the heads of
/// <see cref="RewardNetwork.Forward"/> are read from its final hidden states here, in the same order:
/// <c>score</c> at the last scored token, plus <c>pooled_score</c> on the mean over the completion's positions, plus
/// <c>feature_score</c> on the window's features (that one through the torch head, once per call). Where the trunk
/// cannot run fused (not a float32 LLaMA on the CPU, an active LoRA adapter) the caller keeps the torch forward.
/// </summary>
internal static class FusedRewardScoring
{
    /// <summary>Null when the network's forward may run fused; otherwise why not.</summary>
    public static string? WhyNot(RewardNetwork network) => FusedCpuEligibility.WhyNot(network.Trunk);

    /// <summary>Rewards of windows 0..count-1, each made by <paramref name="encode"/> on a worker; null where the torch path must run.</summary>
    public static float[]? TryScore(RewardNetwork network, int count, int maxLength, Func<int, WindowedText> encode,
        CancellationToken cancellationToken)
    {
        using var prefill = FusedLlamaPrefill.TryCreate(network.Trunk, maxLength);
        if (prefill is null) return null;
        var heads = new Heads(network);
        var windows = new WindowedText[count];
        var rewards = new float[count];
        prefill.Run(count, i => (windows[i] = encode(i)).Ids, (i, hidden, length) => rewards[i] = heads.Reward(windows[i], hidden, length),
            cancellationToken);
        return network.FeatureScore is null || count == 0 ? rewards : WithFeatureScore(network.FeatureScore, windows, rewards);
    }

    /// <summary>
    /// Adds <c>feature_score</c> through the torch head itself: one small op per call, and the same arithmetic as the
    /// torch forward, so a warm-started model still scores exactly as its features alone.
    /// </summary>
    static float[] WithFeatureScore(FeatureHead head, WindowedText[] windows, float[] rewards)
    {
        using var scope = NewDisposeScope();
        var missing = Array.FindIndex(windows, w => w.Features is null);
        if (missing >= 0) throw new ArgumentException($"this reward model reads grounding features; window {missing} has none", nameof(windows));
        var features = tensor(windows.SelectMany(w => w.Features!).ToArray(), [windows.Length, head.Features]);
        return (tensor(rewards) + head.forward(features)).data<float>().ToArray();
    }

    /// <summary>The trunk's heads, weights copied out of their tensors once per call, and the reward they make.</summary>
    sealed class Heads(RewardNetwork network)
    {
        readonly float[] _score = Values(network.Score.Weight);
        readonly float[]? _pooled = network.PooledScore is { } pooled ? Values(pooled.Weight) : null;
        readonly int? _pad = network.ScoreAtLastTokenOtherThan;

        public float Reward(WindowedText window, ReadOnlySpan<float> hidden, int length)
        {
            int dim = _score.Length;
            int at = ScoredPosition(window.Ids, length);
            float reward = TensorPrimitives.Dot(_score, hidden.Slice(at * dim, dim));
            if (_pooled is not null)
            {
                // The mean over the completion's positions (none: a zero vector, as the torch head's clamp_min(1) leaves it).
                Span<float> mean = stackalloc float[dim];
                mean.Clear();
                int from = Math.Min(window.CompletionStart, length);
                for (int t = from; t < length; t++) TensorPrimitives.Add(mean, hidden.Slice(t * dim, dim), mean);
                reward += TensorPrimitives.Dot(_pooled, mean) / Math.Max(1, length - from);
            }
            return reward;
        }

        /// <summary>
        /// The last token (the window's EOS), or with <see cref="RewardNetwork.ScoreAtLastTokenOtherThan"/> the last
        /// token that is not that id (position 0 when every token is), as <c>ScalarHead.AtLastToken</c> picks it.
        /// </summary>
        int ScoredPosition(int[] ids, int length)
        {
            if (_pad is not { } pad) return length - 1;
            for (int t = length - 1; t >= 0; t--)
                if (ids[t] != pad) return t;
            return 0;
        }

        static float[] Values(Tensor tensor)
        {
            using var scope = NewDisposeScope();
            return tensor.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        }
    }
}
