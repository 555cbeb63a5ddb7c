using Preference.Core.Rewards;
using Preference.Training.Rewards;

namespace Preference.Training.Tests.Rewards;

public sealed class RuleRewardTests
{
    static RewardInput Input(string completion, bool endedWithEos = true) => new("Once upon a time", completion, endedWithEos);

    [Fact]
    public async Task Keyword_counts_whole_words_only_and_at_most_max_matches()
    {
        var reward = RegexReward.Keyword("dog", "dog", weight: 2, maxMatches: 2);
        var scores = await reward.ScoreAsync([Input("a dog, a Dog and a dog"), Input("hotdogs and dogma"), Input("one dog")]);
        Assert.Equal([4f, 0f, 2f], scores);
    }

    [Fact]
    public void Invalid_pattern_is_refused_with_the_pattern_named()
    {
        var error = Assert.Throws<ArgumentException>(() => RegexReward.Create("bad", "(unclosed"));
        Assert.Contains("(unclosed", error.Message);
    }

    [Fact]
    public async Task Length_reward_peaks_at_the_target()
    {
        var reward = LengthReward.Create("len", targetCharacters: 10, scale: 10);
        var scores = await reward.ScoreAsync([Input(new string('a', 10)), Input(new string('a', 20)), Input("")]);
        Assert.Equal([0f, -1f, -1f], scores);
    }

    [Fact]
    public async Task Delegate_reward_refuses_non_finite_scores()
    {
        var reward = new DelegateReward("nan", _ => double.NaN);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reward.ScoreAsync([Input("x")]));
        Assert.Contains("nan", error.Message);
    }

    [Fact]
    public async Task Weighted_sum_adds_parts_and_remembers_each_mean()
    {
        var reward = new WeightedReward("total",
        [
            new WeightedSource(RegexReward.Keyword("dog", "dog"), 1.0),
            new WeightedSource(new DelegateReward("minus", _ => -1), 0.5),
        ]);
        var scores = await reward.ScoreAsync([Input("a dog"), Input("a cat")]);
        Assert.Equal([0.5f, -0.5f], scores);
        Assert.Equal(0.5, reward.LastPartMeans["dog"]);
        Assert.Equal(-1, reward.LastPartMeans["minus"]);
    }

    [Fact]
    public void Missing_eos_penalty_applies_only_to_completions_that_never_stopped()
    {
        Assert.Equal([1f, 0.5f], new RewardShaping(MissingEosPenalty: 0.5).Apply([1f, 1f], [true, false]));
    }

    [Fact]
    public void Clipping_bounds_scores_after_the_penalty()
    {
        Assert.Equal([1.5f, -1.5f], new RewardShaping(MissingEosPenalty: 1, Clip: 1.5).Apply([3f, -1f], [true, false]));
    }

    [Fact]
    public void Specs_with_unknown_kinds_or_missing_fields_name_the_key()
    {
        Assert.Contains("rewards[0].kind", new RewardSpec { Kind = "vibes" }.Problems(0).Single());
        Assert.Contains("rewards[1].keyword", new RewardSpec { Kind = "keyword" }.Problems(1).Single());
        Assert.Contains("rewards[2].pattern", new RewardSpec { Kind = "regex", Pattern = "[" }.Problems(2).Single());
    }

    [Fact]
    public async Task Judge_reward_scores_wins_ties_and_losses_against_the_baseline()
    {
        var judge = new LongerWins();
        var reward = new JudgeRewardSource(judge, parallelism: 2, (prompts, _) => Task.FromResult<IReadOnlyList<string>>(prompts.Select(_ => "mid").ToList()));
        var scores = await reward.ScoreAsync([Input("longer"), Input("abc"), Input("x")]);
        Assert.Equal([1f, 0f, -1f], scores);
    }
}
