using Preference.Training.Ppo;
using static TorchSharp.torch;

namespace Preference.Training.Grpo;

/// <summary>The loss of one micro-batch and the masked means TRL logs beside it (scalars, still on the device).</summary>
public sealed record GrpoLossTerms(Tensor Loss, Tensor? Kl, Tensor LowClipped, Tensor HighClipped, Tensor RegionClipped);

/// <summary>
/// The clipped surrogate of critic-free RL, per token: −min(ρ·A, clip(ρ, 1 − ε, 1 + ε_high)·A) with ρ = π/π_old and
/// A the completion's advantage on every one of its tokens, plus β × k3 KL to the reference, then aggregated as the
/// loss type says. The returned loss is already scaled for gradient accumulation: summing the backward passes of a
/// generation batch's micro-batches gives the gradient of the whole batch's loss.
/// </summary>
public static class GrpoLoss
{
    /// <param name="logProbs">[B, N] log π of the completion tokens (with gradient).</param>
    /// <param name="oldLogProbs">[B, N] log π_old of the sampling policy; null when it is the current policy (num_iterations 1).</param>
    /// <param name="refLogProbs">[B, N] log π_ref; null when β is 0.</param>
    /// <param name="advantages">[B] one advantage per completion.</param>
    /// <param name="mask">[B, N] 1.0 for the tokens that count.</param>
    /// <param name="batchTokens">Tokens counted by the mask over the whole generation batch (dapo's divisor).</param>
    /// <param name="accumulation">Micro-batches per optimizer step (the other loss types divide by it, as TRL).</param>
    public static GrpoLossTerms Compute(Tensor logProbs, Tensor? oldLogProbs, Tensor? refLogProbs, Tensor advantages, Tensor mask,
        GrpoConfig config, double batchTokens, int accumulation)
    {
        // With one iteration the sampling policy is the current one: ρ = 1 in value, and its gradient is ∇log π.
        var old = oldLogProbs ?? logProbs.detach();
        var ratio = (logProbs - old).exp();
        var perRow = advantages.unsqueeze(1);
        var unclipped = ratio * perRow;
        var clipped = ratio.clamp(1 - config.Epsilon, 1 + config.UpperClip) * perRow;
        var perToken = -minimum(unclipped, clipped);
        Tensor? kl = null;
        if (refLogProbs is not null)
        {
            kl = SequenceKl.PerToken(logProbs, refLogProbs, KlEstimator.K3);
            perToken = perToken + config.Beta * kl;
        }
        var loss = Aggregate(perToken, mask, config.LossType, config.MaxCompletionLength, batchTokens, accumulation);

        using var noGrad = no_grad();
        var low = ratio.lt(1 - config.Epsilon).logical_and(perRow.lt(0)).to(ScalarType.Float32);
        var high = ratio.gt(1 + config.UpperClip).logical_and(perRow.gt(0)).to(ScalarType.Float32);
        return new GrpoLossTerms(loss,
            kl is null ? null : MaskedStatistics.Mean(kl.detach(), mask),
            MaskedStatistics.Mean(low, mask),
            MaskedStatistics.Mean(high, mask),
            MaskedStatistics.Mean(low + high, mask));
    }

    /// <summary>Per-token losses [B, N] to the micro-batch's share of the batch loss (see <see cref="GrpoLossType"/>).</summary>
    public static Tensor Aggregate(Tensor perToken, Tensor mask, GrpoLossType lossType, int maxCompletionLength, double batchTokens,
        int accumulation)
    {
        var masked = perToken * mask;
        return lossType switch
        {
            GrpoLossType.Grpo => (masked.sum(1) / mask.sum(1).clamp_min(1)).mean() / accumulation,
            GrpoLossType.Bnpo => masked.sum() / mask.sum().clamp_min(1) / accumulation,
            GrpoLossType.DrGrpo => masked.sum() / (perToken.shape[0] * (double)maxCompletionLength) / accumulation,
            GrpoLossType.Dapo => masked.sum() / Math.Max(1, batchTokens),
            _ => throw new ArgumentOutOfRangeException(nameof(lossType), lossType, "unknown loss type"),
        };
    }
}
