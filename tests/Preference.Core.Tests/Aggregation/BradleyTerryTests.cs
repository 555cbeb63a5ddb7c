using Preference.Core.Aggregation;
using Preference.Core.Rankings;

namespace Preference.Core.Tests.Aggregation;

public class BradleyTerryTests
{
    [Fact]
    public void Two_responses_get_the_log_odds_of_their_smoothed_win_counts()
    {
        // a beats b 3 times, b beats a once; with 0.1 pseudo-wins each way the MLE ratio is 3.1 / 1.1.
        var votes = new PairwiseVotes([Ranking.Strict("a", "b"), Ranking.Strict("a", "b"), Ranking.Strict("a", "b"), Ranking.Strict("b", "a")]);
        var scores = BradleyTerry.Fit(votes);
        Assert.Equal(Math.Log(3.1 / 1.1), scores["a"] - scores["b"], 6);
        Assert.Equal(0, scores["a"] + scores["b"], 9);
    }

    [Fact]
    public void Strengths_follow_a_consistent_order()
    {
        var rankings = Enumerable.Repeat(Ranking.Strict("x", "y", "z"), 4).Append(Ranking.Strict("y", "x", "z")).ToList();
        var scores = BradleyTerry.Fit(new PairwiseVotes(rankings));
        Assert.True(scores["x"] > scores["y"] && scores["y"] > scores["z"]);
    }

    [Fact]
    public void Pairs_point_from_stronger_to_weaker_with_raw_agreement()
    {
        var pairs = BradleyTerry.Aggregate([Ranking.Strict("a", "b"), Ranking.Strict("a", "b"), Ranking.Strict("b", "a")]);
        var pair = Assert.Single(pairs);
        Assert.Equal(("a", "b", 2.0 / 3), (pair.Better, pair.Worse, pair.Agreement));
    }

    [Fact]
    public void Bradley_terry_orders_a_cycle_broken_by_counts()
    {
        // a>b twice, b>c twice, c>a once: a is strongest overall even though c beat it once.
        var rankings = new[] { Ranking.Strict("a", "b"), Ranking.Strict("a", "b"), Ranking.Strict("b", "c"), Ranking.Strict("b", "c"), Ranking.Strict("c", "a") };
        var scores = BradleyTerry.Fit(new PairwiseVotes(rankings));
        Assert.True(scores["a"] > scores["c"]);
    }
}
