using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// One batch of experience and everything PPO derives from it before updating: B rows of L prompt + N response
/// tokens. Per-token tensors are [B, N] and 0 past each row's last response token.
/// </summary>
public sealed class Rollout : IDisposable
{
    /// <summary>[B, L + N] left-padded prompt then response ids.</summary>
    public required Tensor Sequences { get; init; }

    /// <summary>[B, L + N] 1 for real tokens.</summary>
    public required Tensor AttentionMask { get; init; }

    /// <summary>L, the padded prompt width: response token t sits at column L + t.</summary>
    public required long ContextLength { get; init; }

    /// <summary>[B, N] 1.0 for response tokens up to and including the stop token.</summary>
    public required Tensor ResponseMask { get; init; }

    /// <summary>[B, N] log π_old(token), recomputed with a forward pass as in training.</summary>
    public required Tensor LogProbs { get; init; }

    /// <summary>[B, N] log π_ref(token).</summary>
    public required Tensor RefLogProbs { get; init; }

    /// <summary>[B, N] V(state before each token).</summary>
    public required Tensor Values { get; init; }

    /// <summary>[B] shaped scores from the reward sources.</summary>
    public required Tensor Scores { get; init; }

    /// <summary>[B, N] per-token KL estimate to the reference.</summary>
    public required Tensor Kl { get; init; }

    /// <summary>[B, N] −β · KL.</summary>
    public required Tensor NonScoreRewards { get; init; }

    /// <summary>[B, N] per-token rewards: −β · KL plus the score at each row's last token.</summary>
    public required Tensor Rewards { get; init; }

    public required Tensor Advantages { get; init; }

    public required Tensor Returns { get; init; }

    /// <summary>[B] whether each row produced the stop token.</summary>
    public required Tensor EndedWithEos { get; init; }

    public required IReadOnlyList<string> Prompts { get; init; }

    public required IReadOnlyList<string> Completions { get; init; }

    public required IReadOnlyList<float> ScoreValues { get; init; }

    public long BatchSize => Sequences.shape[0];

    public long ResponseLength => ResponseMask.shape[1];

    public void Dispose()
    {
        foreach (var t in new[] { Sequences, AttentionMask, ResponseMask, LogProbs, RefLogProbs, Values, Scores, Kl,
                     NonScoreRewards, Rewards, Advantages, Returns, EndedWithEos })
            t.Dispose();
    }
}
