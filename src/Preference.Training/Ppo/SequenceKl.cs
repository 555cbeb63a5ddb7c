using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// KL(π‖π_ref) of sampled completions, estimated from the sampled tokens' log-probs. One definition for training's
/// objective/kl and evaluation's mean KL, so the two numbers mean the same thing: per sample, summed over the
/// completion's real tokens (mask), at the sampling temperature.
/// </summary>
public static class SequenceKl
{
    /// <summary>k1 = log π − log π_ref; k3 = (r − 1) − log r with r = π_ref/π. Both are unbiased per token.</summary>
    public static Tensor PerToken(Tensor logProbs, Tensor refLogProbs, KlEstimator estimator)
    {
        var logRatio = refLogProbs - logProbs;
        return estimator == KlEstimator.K1 ? -logRatio : logRatio.exp() - 1 - logRatio;
    }

    /// <summary>[B, N] log-probs and 0/1 mask -> [B] KL estimate of each completion.</summary>
    public static Tensor PerSample(Tensor logProbs, Tensor refLogProbs, Tensor mask, KlEstimator estimator = KlEstimator.K1) =>
        (PerToken(logProbs, refLogProbs, estimator) * mask).sum(1);
}
