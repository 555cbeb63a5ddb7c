using Preference.Core.Domain;
using Preference.Core.Prioritization;
using Preference.Core.Rankings;

namespace Preference.Core.Tests.Prioritization;

public class LabelPriorityTests
{
    private static Dictionary<string, double> Scores(params (string Id, double Score)[] scores) => scores.ToDictionary(s => s.Id, s => s.Score);

    private static List<string> Order(QueueOrder order, Dictionary<string, (Dictionary<string, double>? Scores, Ranking? Judge)> tasks) =>
        tasks.OrderBy(t => LabelPriority.For(order, "campaign", t.Key, t.Value.Scores, t.Value.Judge)).ThenBy(t => t.Key).Select(t => t.Key).ToList();

    [Fact]
    public void Uncertainty_serves_the_closest_pair_first_and_unscored_tasks_last()
    {
        var order = Order(QueueOrder.Uncertainty, new()
        {
            ["sure"] = (Scores(("a", 3.0), ("b", -1.0)), null),
            ["unscored"] = (null, null),
            ["coin-flip"] = (Scores(("a", 0.50), ("b", 0.49)), null),
            ["middling"] = (Scores(("a", 1.0), ("b", 0.0)), null),
        });
        Assert.Equal(["coin-flip", "middling", "sure", "unscored"], order);
    }

    [Fact]
    public void A_k_wise_margin_is_the_smallest_gap_between_adjacent_scores()
    {
        Assert.Equal(0.25, LabelPriority.SmallestMargin([4.0, 0.0, 1.0, 1.25]), 12);
        Assert.Equal(0.0, LabelPriority.SmallestMargin([2.0, 2.0, 5.0]));
        Assert.Throws<ArgumentException>(() => LabelPriority.SmallestMargin([1.0]));
    }

    [Fact]
    public void Judge_disagreement_serves_the_judge_contradicting_the_reward_model_most_first()
    {
        var scores = Scores(("a", 3.0), ("b", 2.0), ("c", 1.0));
        var order = Order(QueueOrder.JudgeDisagreement, new()
        {
            ["agrees"] = (scores, Ranking.Strict("a", "b", "c")),
            ["reversed"] = (scores, Ranking.Strict("c", "b", "a")),
            ["one-swap"] = (scores, Ranking.Strict("b", "a", "c")),
            ["no-judge"] = (scores, null),
        });
        Assert.Equal(["reversed", "one-swap", "agrees", "no-judge"], order);
        Assert.Equal(1.0, LabelPriority.Disagreement(Ranking.Strict("c", "b", "a"), scores), 12);
        Assert.Equal(1.0 / 3, LabelPriority.Disagreement(Ranking.Strict("b", "a", "c"), scores), 12);
    }

    [Fact]
    public void Equal_disagreement_is_broken_by_the_smaller_margin()
    {
        var order = Order(QueueOrder.JudgeDisagreement, new()
        {
            ["wide"] = (Scores(("a", 5.0), ("b", 0.0)), Ranking.Strict("b", "a")),
            ["narrow"] = (Scores(("a", 0.2), ("b", 0.0)), Ranking.Strict("b", "a")),
        });
        Assert.Equal(["narrow", "wide"], order);
    }

    [Fact]
    public void Equal_scores_are_a_tie_in_the_ranking_they_imply()
    {
        var ranking = LabelPriority.ByScore(Scores(("a", 1.0), ("b", 2.0), ("c", 1.0)));
        Assert.Equal(2, ranking.Tiers.Count);
        Assert.Equal(["b"], ranking.Tiers[0]);
        Assert.Equal(["a", "c"], ranking.Tiers[1].Order());
    }

    [Fact]
    public void Random_order_is_fixed_per_salt_differs_between_salts_and_spreads_over_the_unit_interval()
    {
        var ids = Enumerable.Range(0, 2000).Select(i => $"task-{i}").ToList();
        var first = ids.Select(id => LabelPriority.RandomKey("campaign-a", id)).ToList();
        Assert.Equal(first, ids.Select(id => LabelPriority.RandomKey("campaign-a", id)));
        Assert.NotEqual(first, ids.Select(id => LabelPriority.RandomKey("campaign-b", id)));
        Assert.All(first, x => Assert.InRange(x, 0.0, 1.0 - 1e-12));
        // Each decile holds about a tenth (binomial sd ≈ 13 of 200).
        Assert.All(first.GroupBy(x => (int)(x * 10)), decile => Assert.InRange(decile.Count(), 140, 260));
        // Not the import order: consecutive ids do not come out increasing.
        Assert.InRange(first.Zip(first.Skip(1)).Count(p => p.Second > p.First), 850, 1150);
    }

    [Fact]
    public void Sequence_leaves_every_task_equal_so_import_order_decides()
    {
        Assert.Equal(default, LabelPriority.For(QueueOrder.Sequence, "c", "t1", Scores(("a", 1), ("b", 0)), null));
        Assert.Equal(default, LabelPriority.For(QueueOrder.Sequence, "c", "t2", null, null));
    }
}
