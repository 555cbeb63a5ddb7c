using Preference.Training.Reward.Training;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Reward;

public class BradleyTerryLossTests
{
    static double Loss(float chosen, float rejected, float margin = 0, float tie = 0, double smoothing = 0, double centering = 0) =>
        BradleyTerryLoss.Compute(tensor(new[] { chosen }), tensor(new[] { rejected }), tensor(new[] { margin }),
            tensor(new[] { 1f }), tensor(new[] { tie }), smoothing, centering).item<float>();

    [Fact]
    public void Loss_is_minus_log_sigmoid_of_the_reward_difference()
    {
        Assert.Equal(Math.Log(1 + Math.Exp(-2)), Loss(3, 1), 5);
        Assert.Equal(Math.Log(2), Loss(1, 1), 5);
    }

    [Fact]
    public void Swapping_chosen_and_rejected_turns_a_low_loss_into_a_high_one()
    {
        Assert.True(Loss(2, -2) < 0.02);
        Assert.True(Loss(-2, 2) > 4);
    }

    [Fact]
    public void A_margin_must_be_exceeded_before_the_loss_falls()
    {
        Assert.Equal(Math.Log(2), Loss(3, 1, margin: 2), 5);
        Assert.True(Loss(3, 1, margin: 2) > Loss(3, 1));
    }

    [Fact]
    public void A_tie_is_cheapest_when_the_rewards_are_equal()
    {
        Assert.True(Loss(0, 0, tie: 1) < Loss(1, 0, tie: 1));
        Assert.Equal(Loss(1, 0, tie: 1), Loss(0, 1, tie: 1), 5);
    }

    [Fact]
    public void Label_smoothing_penalises_overconfidence()
    {
        Assert.True(Loss(20, 0, smoothing: 0.1) > Loss(3, 0, smoothing: 0.1));
        Assert.True(Loss(20, 0) < Loss(3, 0));
    }

    [Fact]
    public void Centering_pulls_both_rewards_towards_zero()
    {
        Assert.Equal(Loss(5, 3) + 0.01 * 64, Loss(5, 3, centering: 0.01), 4);
    }
}
