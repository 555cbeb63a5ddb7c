using Preference.Training.Reward.Modeling;

namespace Preference.Training.Tests.Reward;

public class FeatureLogisticTests
{
    // Feature 0 favours the chosen side in every pair; feature 1 is noise.
    static readonly List<double[]> Differences = Enumerable.Range(0, 100)
        .Select(i => new[] { 1.0 + (i % 3) * 0.1, (i % 2 == 0 ? 1 : -1) * 0.5 }).ToList();

    [Theory]
    [InlineData(0.01)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(50)]
    public void The_fit_points_the_informative_weight_the_right_way_at_any_l2(double l2)
    {
        var weights = FeatureLogistic.Fit(Differences, l2);
        Assert.True(weights[0] > 0 && double.IsFinite(weights[0]), $"w0 = {weights[0]} at L2 {l2}");
        Assert.True(Math.Abs(weights[1]) < weights[0], $"noise weight {weights[1]} vs {weights[0]}");
    }

    [Fact]
    public void Stronger_l2_gives_smaller_weights()
    {
        Assert.True(FeatureLogistic.Fit(Differences, 5)[0] < FeatureLogistic.Fit(Differences, 0.1)[0]);
    }
}
