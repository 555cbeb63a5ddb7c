using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// Generalised advantage estimation (Schulman et al. 2016) over per-token rewards, walking backwards:
/// δ_t = r_t + γ V_{t+1} − V_t, A_t = δ_t + γλ A_{t+1}; returns = A + V. Values past a row's last token are 0.
/// </summary>
public static class Gae
{
    /// <param name="rewards">[B, N] per-token rewards (KL penalty, plus the score at the last token).</param>
    /// <param name="values">[B, N] value estimates, 0 on padding.</param>
    public static (Tensor Advantages, Tensor Returns) Compute(Tensor rewards, Tensor values, double gamma, double lambda)
    {
        long steps = rewards.shape[1];
        var advantages = zeros_like(rewards);
        var last = zeros_like(rewards.select(1, 0));
        for (long t = steps - 1; t >= 0; t--)
        {
            using var scope = NewDisposeScope();
            var next = t < steps - 1 ? values.select(1, t + 1) : zeros_like(last);
            var delta = rewards.select(1, t) + gamma * next - values.select(1, t);
            var updated = delta + gamma * lambda * last;
            advantages.select(1, t).copy_(updated);
            last.copy_(updated);
        }
        return (advantages, advantages + values);
    }
}
