using Preference.Core.Judging;
using Preference.Training.Evaluation;

namespace Preference.Training.Tests.Evaluation;

public sealed class WinRateTests
{
    [Fact]
    public void Ties_count_half_and_failures_are_left_out()
    {
        var rate = WinRate.Of([PairwiseOutcome.Win, PairwiseOutcome.Win, PairwiseOutcome.Tie, PairwiseOutcome.Loss, PairwiseOutcome.Failed]);
        Assert.Equal((2, 1, 1, 1), (rate.Wins, rate.Ties, rate.Losses, rate.Failed));
        Assert.Equal(0.625, rate.Rate);
    }

    [Fact]
    public void Wilson_interval_matches_the_textbook_value()
    {
        // 80 wins of 100: the Wilson 95% interval is 0.7112 .. 0.8666.
        var (low, high) = new WinRate(80, 0, 20, 0).Interval95;
        Assert.Equal(0.7112, low, 3);
        Assert.Equal(0.8666, high, 3);
    }

    [Fact]
    public void Interval_stays_inside_zero_and_one_for_a_clean_sweep()
    {
        var (low, high) = new WinRate(10, 0, 0, 0).Interval95;
        Assert.InRange(low, 0.65, 0.75);
        Assert.Equal(1.0, high, 9);
    }

    [Fact]
    public void Nothing_judged_gives_no_rate_and_the_widest_interval()
    {
        var rate = WinRate.Of([PairwiseOutcome.Failed]);
        Assert.True(double.IsNaN(rate.Rate));
        Assert.Equal((0.0, 1.0), rate.Interval95);
    }
}
