using Preference.Core.Agreement;
using Preference.Core.Rankings;

namespace Preference.Core.Tests.Agreement;

public class RankingAgreementTests
{
    [Fact]
    public void Kendall_tau_b_matches_the_textbook_value_with_a_tie()
    {
        // scipy.stats.kendalltau([1, 2, 3, 4], [1, 2, 2, 3]) = 0.9128709291752769
        var tau = RankingAgreement.KendallTauB(Ranking.Strict("a", "b", "c", "d"), new Ranking([["a"], ["b", "c"], ["d"]]));
        Assert.Equal(0.9128709291752769, tau, 12);
    }

    [Fact]
    public void Kendall_tau_is_one_for_the_same_order_and_minus_one_for_the_reverse()
    {
        Assert.Equal(1, RankingAgreement.KendallTauB(Ranking.Strict("a", "b", "c"), Ranking.Strict("a", "b", "c")), 12);
        Assert.Equal(-1, RankingAgreement.KendallTauB(Ranking.Strict("a", "b", "c"), Ranking.Strict("c", "b", "a")), 12);
        Assert.True(double.IsNaN(RankingAgreement.KendallTauB(new Ranking([["a", "b"]]), Ranking.Strict("a", "b"))));
    }

    [Fact]
    public void Pair_share_counts_pairs_labelled_alike_with_ties_as_their_own_label()
    {
        // Pairs ab, ac, bc: a>b>c vs a>b=c agree on ab and ac, not on bc.
        Assert.Equal(2.0 / 3, RankingAgreement.PairShare(Ranking.Strict("a", "b", "c"), new Ranking([["a"], ["b", "c"]])), 12);
        Assert.Equal(0, RankingAgreement.PairShare(Ranking.Strict("a", "b"), Ranking.Strict("b", "a")));
    }
}
