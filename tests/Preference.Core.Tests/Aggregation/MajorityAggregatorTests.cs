using Preference.Core.Aggregation;
using Preference.Core.Rankings;

namespace Preference.Core.Tests.Aggregation;

public class MajorityAggregatorTests
{
    [Fact]
    public void Two_of_three_annotators_decide_the_pair_with_agreement_two_thirds()
    {
        var pairs = MajorityAggregator.Aggregate([Ranking.Strict("a", "b"), Ranking.Strict("a", "b"), Ranking.Strict("b", "a")]);
        var pair = Assert.Single(pairs);
        Assert.Equal(("a", "b"), (pair.Better, pair.Worse));
        Assert.Equal(2.0 / 3, pair.Agreement, 12);
        Assert.Equal(3, pair.Votes);
    }

    [Fact]
    public void An_even_split_gives_no_pair()
    {
        Assert.Empty(MajorityAggregator.Aggregate([Ranking.Strict("a", "b"), Ranking.Strict("b", "a")]));
    }

    [Fact]
    public void A_tie_counts_as_a_vote_against_both_sides()
    {
        var tie = new Ranking([["a", "b"]]);
        var pair = Assert.Single(MajorityAggregator.Aggregate([Ranking.Strict("a", "b"), tie]));
        Assert.Equal(0.5, pair.Agreement);
    }

    [Fact]
    public void A_single_k_wise_ranking_gives_all_its_strict_pairs()
    {
        var pairs = MajorityAggregator.Aggregate([new Ranking([["a"], ["b", "c"], ["d"]])]);
        Assert.Equal(5, pairs.Count); // a>b a>c a>d b>d c>d; b=c gives none
        Assert.DoesNotContain(pairs, p => (p.Better, p.Worse) is ("b", "c") or ("c", "b"));
    }

    [Fact]
    public void Min_agreement_drops_contested_pairs()
    {
        var rankings = new[] { Ranking.Strict("a", "b", "c"), Ranking.Strict("a", "c", "b"), Ranking.Strict("a", "b", "c") };
        var all = PreferenceAggregator.Aggregate(rankings, AggregationMethod.Majority);
        var strong = PreferenceAggregator.Aggregate(rankings, AggregationMethod.Majority, minAgreement: 0.9);
        Assert.Equal(3, all.Count);
        Assert.Equal([("a", "b"), ("a", "c")], strong.Select(p => (p.Better, p.Worse)).Order());
    }
}
