using static TorchSharp.torch;

namespace Preference.Training.Grpo;

/// <summary>
/// One generation batch: num_generations completions for each of its prompts, grouped in consecutive rows
/// (row p·G + g is prompt p's g-th completion), with the rewards, the advantage of each completion and what the loss
/// needs besides the policy's own forward. Per-token tensors are [B, N], 0 past each row's last token.
/// </summary>
public sealed class GroupRollout : IDisposable
{
    /// <summary>[B, L + N] left-padded prompt then completion ids.</summary>
    public required Tensor Sequences { get; init; }

    /// <summary>[B, L + N] 1 for real tokens.</summary>
    public required Tensor AttentionMask { get; init; }

    /// <summary>L, the padded prompt width: completion token t sits at column L + t.</summary>
    public required long ContextLength { get; init; }

    /// <summary>[B, N] 1.0 for the tokens the loss counts: every completion token up to and including the stop token,
    /// except in truncated completions when mask_truncated_completions is on.</summary>
    public required Tensor LossMask { get; init; }

    /// <summary>[B, N] log π_old, taken after sampling; null with one iteration per batch (the current policy is the old one).</summary>
    public required Tensor? OldLogProbs { get; init; }

    /// <summary>[B, N] log π_ref; null when β is 0.</summary>
    public required Tensor? RefLogProbs { get; init; }

    /// <summary>[B] the advantage of each completion, applied to every one of its tokens.</summary>
    public required Tensor Advantages { get; init; }

    /// <summary>Tokens in <see cref="LossMask"/> over the whole batch (dapo's divisor).</summary>
    public required double LossTokens { get; init; }

    public required IReadOnlyList<string> Prompts { get; init; }

    public required IReadOnlyList<string> Completions { get; init; }

    /// <summary>[prompts, num_generations] shaped rewards.</summary>
    public required float[,] Rewards { get; init; }

    /// <summary>Tokens of each completion, stop token included.</summary>
    public required int[] CompletionLengths { get; init; }

    public required bool[] EndedWithEos { get; init; }

    public long BatchSize => Sequences.shape[0];

    public void Dispose()
    {
        foreach (var t in new[] { Sequences, AttentionMask, LossMask, OldLogProbs, RefLogProbs, Advantages })
            t?.Dispose();
    }
}
