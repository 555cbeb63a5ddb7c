using Preference.Training.Dpo;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Dpo;

/// <summary>
/// Each objective against values computed by hand. One pair throughout: policy log-probs chosen −1, rejected −3;
/// reference −2 and −2; so the chosen log-ratio is +1, the rejected −1 and h = 2.
/// </summary>
public class PreferenceLossTests
{
    static (double Loss, double Chosen, double Rejected) One(PreferenceLossType type, double beta, double labelSmoothing = 0,
        double simpoGamma = 0.5, bool tie = false, double? margin = null)
    {
        var (losses, chosen, rejected) = PreferenceLoss.Compute(type, tensor(new[] { -1f }), tensor(new[] { -3f }),
            tensor(new[] { -2f }), tensor(new[] { -2f }), beta, labelSmoothing, simpoGamma,
            tie ? tensor(new[] { 1f }) : null, margin is { } m ? tensor(new[] { (float)m }) : null);
        return (losses.item<float>(), chosen.item<float>(), rejected.item<float>());
    }

    [Fact]
    public void Sigmoid_is_minus_log_sigmoid_of_beta_h_and_rewards_are_beta_log_ratios()
    {
        var (loss, chosen, rejected) = One(PreferenceLossType.Sigmoid, beta: 0.5);
        Assert.Equal(Math.Log(1 + Math.Exp(-1)), loss, 5); // β·h = 1
        Assert.Equal(0.5, chosen, 6);
        Assert.Equal(-0.5, rejected, 6);
    }

    [Fact]
    public void Label_smoothing_mixes_in_the_flipped_label()
    {
        var (loss, _, _) = One(PreferenceLossType.Sigmoid, beta: 0.5, labelSmoothing: 0.1);
        Assert.Equal(0.9 * 0.31326169 + 0.1 * 1.31326169, loss, 5);
    }

    [Fact]
    public void Robust_is_the_unbiased_correction_for_flipped_labels()
    {
        var (loss, _, _) = One(PreferenceLossType.Robust, beta: 0.5, labelSmoothing: 0.1);
        Assert.Equal((0.9 * 0.31326169 - 0.1 * 1.31326169) / 0.8, loss, 5);
    }

    [Fact]
    public void Hinge_is_zero_past_the_margin_and_linear_before_it()
    {
        Assert.Equal(0, One(PreferenceLossType.Hinge, beta: 0.5).Loss, 6);   // 1 − β·h = 0
        Assert.Equal(0.5, One(PreferenceLossType.Hinge, beta: 0.25).Loss, 6); // 1 − 0.5
    }

    [Fact]
    public void Ipo_regresses_h_onto_one_over_two_beta()
    {
        Assert.Equal(1, One(PreferenceLossType.Ipo, beta: 0.5).Loss, 5);   // (2 − 1)²
        Assert.Equal(9, One(PreferenceLossType.Ipo, beta: 0.1).Loss, 4);   // (2 − 5)²
        Assert.Equal(0, One(PreferenceLossType.Ipo, beta: 0.25).Loss, 5);  // (2 − 2)²
    }

    [Fact]
    public void Simpo_ignores_the_reference_and_subtracts_gamma()
    {
        var (loss, chosen, rejected) = One(PreferenceLossType.Simpo, beta: 2, simpoGamma: 0.5);
        Assert.Equal(Math.Log(1 + Math.Exp(-3.5)), loss, 5); // β·(−1 − −3) − γ = 3.5
        Assert.Equal(-2, chosen, 5);
        Assert.Equal(-6, rejected, 5);
        // No reference needed at all.
        var (losses, _, _) = PreferenceLoss.Compute(PreferenceLossType.Simpo, tensor(new[] { -1f }), tensor(new[] { -3f }), null, null, 2);
        Assert.Equal(loss, losses.item<float>(), 6);
    }

    [Fact]
    public void A_tie_targets_one_half_and_a_margin_shifts_the_logit()
    {
        Assert.Equal(0.5 * (0.31326169 + 1.31326169), One(PreferenceLossType.Sigmoid, beta: 0.5, tie: true).Loss, 5);
        Assert.Equal(Math.Log(2), One(PreferenceLossType.Sigmoid, beta: 0.5, margin: 1).Loss, 5); // β·h − 1 = 0
    }

    [Fact]
    public void Kto_pushes_desirable_above_and_undesirable_below_the_kl_estimate()
    {
        // Row 1 desirable with log-ratio +1, row 2 undesirable with −1; z₀ = 0.5, β = 1, undesirable weight 2.
        var (losses, rewards) = PreferenceLoss.Kto(tensor(new[] { -1f, -2f }), tensor(new[] { -2f, -1f }), tensor(new[] { true, false }),
            tensor(0.5f), beta: 1, desirableWeight: 1, undesirableWeight: 2);
        var values = losses.data<float>().ToArray();
        Assert.Equal(1 - 1 / (1 + Math.Exp(-0.5)), values[0], 5);
        Assert.Equal(2 * (1 - 1 / (1 + Math.Exp(-1.5))), values[1], 5);
        Assert.Equal([1f, -1f], rewards.data<float>().ToArray());
    }
}
