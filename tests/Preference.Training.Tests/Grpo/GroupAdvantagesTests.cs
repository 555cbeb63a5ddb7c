using Preference.Training.Grpo;

namespace Preference.Training.Tests.Grpo;

/// <summary>Every estimator on groups worked out by hand.</summary>
public sealed class GroupAdvantagesTests
{
    const double Tolerance = 1e-5;

    [Fact]
    public void Grpo_centres_each_group_on_its_mean_and_divides_by_its_sample_std()
    {
        // Group 0: mean 0.5, sample std sqrt(4 × 0.25 / 3) = 0.57735. Group 1: mean 2, sample std 1.
        var advantages = GroupAdvantages.Grpo(new float[,] { { 1, 0, 0, 1 }, { 1, 2, 3, 2 } }, ScaleRewards.Group);

        double a = 0.5 / (Math.Sqrt(1.0 / 3) + 1e-4), b = 1 / (Math.Sqrt(2.0 / 3) + 1e-4);
        AssertMatrix(new[,] { { a, -a, -a, a }, { -b, 0, b, 0 } }, advantages);
    }

    [Fact]
    public void Grpo_with_batch_scale_divides_every_group_by_the_batch_std()
    {
        // All rewards [0, 2, 0, 0]: mean 0.5, sample variance (0.25 + 2.25 + 0.25 + 0.25) / 3 = 1.
        var advantages = GroupAdvantages.Grpo(new float[,] { { 0, 2 }, { 0, 0 } }, ScaleRewards.Batch);

        double d = 1 / (1 + 1e-4);
        AssertMatrix(new[,] { { -d, d }, { 0, 0 } }, advantages);
    }

    [Fact]
    public void Grpo_without_scaling_is_reward_minus_group_mean()
    {
        var advantages = GroupAdvantages.Grpo(new float[,] { { 1, 3 }, { 5, 5 } }, ScaleRewards.None);

        AssertMatrix(new double[,] { { -1, 1 }, { 0, 0 } }, advantages);
    }

    [Fact]
    public void Rloo_subtracts_the_mean_of_the_other_completions()
    {
        // 1 − (2 + 3)/2, 2 − (1 + 3)/2, 3 − (1 + 2)/2.
        var advantages = GroupAdvantages.Rloo(new float[,] { { 1, 2, 3 } });

        AssertMatrix(new[,] { { -1.5, 0, 1.5 } }, advantages);
    }

    [Fact]
    public void Reinforce_plus_plus_whitens_over_the_batch_and_the_baseline_variant_subtracts_group_means_first()
    {
        var rewards = new float[,] { { 0, 2 }, { 0, 0 } };

        // No baseline: [0, 2, 0, 0] has mean 0.5 and sample std 1.
        double s = 1 + 1e-4;
        AssertMatrix(new[,] { { -0.5 / s, 1.5 / s }, { -0.5 / s, -0.5 / s } }, GroupAdvantages.ReinforcePlusPlus(rewards, subtractGroupMean: false));

        // Baseline: centred [-1, 1, 0, 0] has mean 0 and sample std sqrt(2/3).
        double t = Math.Sqrt(2.0 / 3) + 1e-4;
        AssertMatrix(new[,] { { -1 / t, 1 / t }, { 0, 0 } }, GroupAdvantages.ReinforcePlusPlus(rewards, subtractGroupMean: true));
    }

    [Theory]
    [InlineData(AdvantageEstimator.Grpo, ScaleRewards.Group)]
    [InlineData(AdvantageEstimator.Grpo, ScaleRewards.Batch)]
    [InlineData(AdvantageEstimator.Grpo, ScaleRewards.None)]
    [InlineData(AdvantageEstimator.Rloo, ScaleRewards.Group)]
    [InlineData(AdvantageEstimator.ReinforcePp, ScaleRewards.Group)]
    [InlineData(AdvantageEstimator.ReinforcePpBaseline, ScaleRewards.Group)]
    public void All_equal_rewards_give_zero_advantage(AdvantageEstimator estimator, ScaleRewards scale)
    {
        var advantages = GroupAdvantages.Compute(new float[,] { { 0.7f, 0.7f, 0.7f, 0.7f }, { 0.7f, 0.7f, 0.7f, 0.7f } }, estimator, scale);

        Assert.All(advantages.Cast<double>(), a => Assert.Equal(0, a));
    }

    [Fact]
    public void A_group_with_equal_rewards_gets_zero_even_when_its_neighbour_has_spread()
    {
        var advantages = GroupAdvantages.Compute(new float[,] { { 1, 1, 1 }, { 0, 1, 2 } }, AdvantageEstimator.Grpo);

        Assert.Equal([0, 0, 0], Enumerable.Range(0, 3).Select(g => advantages[0, g]));
        Assert.True(advantages[1, 2] > 0 && advantages[1, 0] < 0);
    }

    [Fact]
    public void Group_stds_and_matrix_layout_follow_row_order()
    {
        var matrix = GroupAdvantages.ToMatrix([1, 0, 0, 1, 4, 4, 4, 4], generations: 4);

        Assert.Equal(1, matrix[0, 0]);
        Assert.Equal(4, matrix[1, 3]);
        var stds = GroupAdvantages.GroupStds(matrix);
        Assert.Equal(Math.Sqrt(1.0 / 3), stds[0], Tolerance);
        Assert.Equal(0, stds[1]);
        Assert.Throws<ArgumentException>(() => GroupAdvantages.ToMatrix([1, 2, 3], generations: 2));
    }

    static void AssertMatrix(double[,] expected, double[,] actual)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int p = 0; p < expected.GetLength(0); p++)
            for (int g = 0; g < expected.GetLength(1); g++)
                Assert.True(Math.Abs(expected[p, g] - actual[p, g]) < Tolerance, $"[{p}, {g}]: expected {expected[p, g]}, got {actual[p, g]}");
    }
}
