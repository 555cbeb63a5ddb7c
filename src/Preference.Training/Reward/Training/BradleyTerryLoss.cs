using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Preference.Training.Reward.Training;

/// <summary>
/// The pairwise reward loss: −log σ(r_c − r_r − margin), weighted per pair. Label smoothing ε trains towards
/// P(chosen wins) = 1 − ε (cDPO/"robust" BT), tied pairs towards 0.5, and the centering term λ·mean((r_c + r_r)²)
/// (TRL's center_rewards_coefficient) keeps rewards near zero so their scale means something to PPO.
/// </summary>
public static class BradleyTerryLoss
{
    /// <param name="chosen">[B] rewards of the chosen completions.</param>
    /// <param name="rejected">[B] rewards of the rejected completions.</param>
    /// <param name="margin">[B] required margins (0 for none).</param>
    /// <param name="weight">[B] per-pair weights.</param>
    /// <param name="tie">[B] 1 where the pair is a tie, else 0.</param>
    public static Tensor Compute(Tensor chosen, Tensor rejected, Tensor margin, Tensor weight, Tensor tie,
        double labelSmoothing = 0, double centering = 0)
    {
        var d = chosen - rejected - margin;
        var target = (1 - labelSmoothing) * (1 - tie) + 0.5 * tie;
        var perPair = -(target * F.logsigmoid(d) + (1 - target) * F.logsigmoid(-d));
        var loss = (perPair * weight).sum() / weight.sum().clamp_min(1e-8);
        if (centering > 0) loss = loss + centering * (chosen + rejected).square().mean();
        return loss;
    }
}
