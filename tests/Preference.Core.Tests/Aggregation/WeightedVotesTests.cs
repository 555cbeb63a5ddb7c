using Preference.Core.Aggregation;
using Preference.Core.Rankings;

namespace Preference.Core.Tests.Aggregation;

public class WeightedVotesTests
{
    [Fact]
    public void A_heavier_annotator_outvotes_two_light_ones_and_votes_still_count_people()
    {
        var votes = new PairwiseVotes([
            (Ranking.Strict("a", "b"), 0.9),
            (Ranking.Strict("b", "a"), 0.3),
            (Ranking.Strict("b", "a"), 0.3),
        ]);
        var pair = Assert.Single(MajorityAggregator.Aggregate(votes));
        Assert.Equal(("a", "b", 3), (pair.Better, pair.Worse, pair.Votes));
        Assert.Equal(0.9 / 1.5, pair.Agreement, 12);
        // Unweighted, the two win.
        Assert.Equal("b", Assert.Single(MajorityAggregator.Aggregate(votes.ResponseIds.Count == 2
            ? [Ranking.Strict("a", "b"), Ranking.Strict("b", "a"), Ranking.Strict("b", "a")] : [])).Better);
    }

    [Fact]
    public void Negative_weights_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairwiseVotes([(Ranking.Strict("a", "b"), -1.0)]));
    }
}
