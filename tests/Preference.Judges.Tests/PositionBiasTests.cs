using Preference.Core.Judging;
using Preference.Core.Rankings;
using Preference.Judges.PositionBias;
using Preference.Judges.Rules;

namespace Preference.Judges.Tests;

public class PositionBiasTests
{
    private static string Show(Ranking? r) => r is null ? "none" : string.Join(" > ", r.Tiers.Select(t => string.Join(" = ", t.Order())));

    [Fact]
    public void Agreeing_orders_keep_the_verdict()
    {
        var combined = OrderCombiner.Combine(Ranking.Strict("a", "b"), Ranking.Strict("a", "b"), OrderDisagreement.Tie);
        Assert.Equal("a > b", Show(combined));
    }

    [Fact]
    public void Opposite_verdicts_become_a_tie_under_every_policy_that_keeps_the_task()
    {
        Assert.Equal("a = b", Show(OrderCombiner.Combine(Ranking.Strict("a", "b"), Ranking.Strict("b", "a"), OrderDisagreement.Tie)));
        Assert.Equal("a = b", Show(OrderCombiner.Combine(Ranking.Strict("a", "b"), Ranking.Strict("b", "a"), OrderDisagreement.MeanRank)));
        Assert.Null(OrderCombiner.Combine(Ranking.Strict("a", "b"), Ranking.Strict("b", "a"), OrderDisagreement.Fail));
    }

    [Fact]
    public void A_preference_against_a_tie_is_kept_only_by_mean_rank()
    {
        var tie = new Ranking([["a", "b"]]);
        Assert.Equal("a = b", Show(OrderCombiner.Combine(Ranking.Strict("a", "b"), tie, OrderDisagreement.Tie)));
        Assert.Equal("a > b", Show(OrderCombiner.Combine(Ranking.Strict("a", "b"), tie, OrderDisagreement.MeanRank)));
    }

    [Fact]
    public void Conservative_combination_keeps_only_pairs_both_orders_agree_on()
    {
        // Both orders put a first; they disagree about b and c, so those tie below a.
        var combined = OrderCombiner.Combine(Ranking.Strict("a", "b", "c"), Ranking.Strict("a", "c", "b"), OrderDisagreement.Tie);
        Assert.Equal("a > b = c", Show(combined));
    }

    [Fact]
    public async Task A_judge_that_always_picks_the_first_shown_flips_and_ends_in_a_tie()
    {
        var positional = new DelegateJudge(new JudgeIdentity("first-wins", "rule"),
            (task, response) => response == task.Responses[0] ? 1 : 0);
        var balanced = new PositionBalancedJudge(positional);
        var task = new JudgeTask("t", "q", [new Candidate("x", "one"), new Candidate("y", "two")]);

        var verdict = await balanced.JudgeAsync(task);

        Assert.True(verdict.OrderFlipped);
        Assert.Equal("x = y", Show(verdict.Ranking));
        Assert.Equal("both-orders/tie", balanced.Identity.Settings!["position_bias"]);
    }

    [Fact]
    public async Task An_order_independent_judge_never_flips()
    {
        var balanced = new PositionBalancedJudge(LengthJudge.Create("longer"));
        var task = new JudgeTask("t", "q", [new Candidate("x", "short"), new Candidate("y", "much longer")]);

        var verdict = await balanced.JudgeAsync(task);

        Assert.False(verdict.OrderFlipped);
        Assert.Equal("y > x", Show(verdict.Ranking));
    }
}
