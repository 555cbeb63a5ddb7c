using Preference.Core.Agreement;
using Preference.Core.Rankings;

namespace Preference.Core.Tests.Agreement;

public class PairLabelsTests
{
    [Fact]
    public void A_ranking_gives_first_tie_or_second_for_any_two_responses()
    {
        var ranking = new Ranking([["a"], ["b", "c"], ["d"]]);
        Assert.Equal(PairLabels.First, PairLabels.FromRanking(ranking, "a", "d"));
        Assert.Equal(PairLabels.Tie, PairLabels.FromRanking(ranking, "b", "c"));
        Assert.Equal(PairLabels.Second, PairLabels.FromRanking(ranking, "d", "b"));
    }

    [Fact]
    public void Swapping_the_responses_swaps_the_preference_but_not_a_tie()
    {
        Assert.Equal(PairLabels.Second, PairLabels.Swap(PairLabels.First));
        Assert.Equal(PairLabels.Tie, PairLabels.Swap(PairLabels.Tie));
    }
}
