using Preference.Core.Judging;
using Preference.Core.Rewards;
using Preference.Judges.RewardModel;
using Preference.Judges.Rules;

namespace Preference.Judges.Tests;

public class RuleJudgeTests
{
    private static readonly JudgeTask Three = new("t1", "Say hi",
        [new Candidate("short", "hi"), new Candidate("long", "hello there, friend"), new Candidate("mid", "hello!")]);

    private static string Show(JudgeVerdict v) => string.Join(" > ", v.Ranking!.Tiers.Select(t => string.Join(" = ", t.Order())));

    [Fact]
    public async Task Length_judge_ranks_longer_first_by_default_and_shorter_first_on_request()
    {
        Assert.Equal("long > mid > short", Show(await LengthJudge.Create("len").JudgeAsync(Three)));
        Assert.Equal("short > mid > long", Show(await LengthJudge.Create("len", LengthPreference.Shorter).JudgeAsync(Three)));
    }

    [Fact]
    public async Task Length_within_tolerance_is_a_tie()
    {
        var task = new JudgeTask("t", "q", [new Candidate("a", "abcd"), new Candidate("b", "abcdef")]);
        Assert.Equal("a = b", Show(await LengthJudge.Create("len", tieTolerance: 2).JudgeAsync(task)));
    }

    [Fact]
    public async Task Keyword_judge_adds_weights_per_match_and_penalises_refusals()
    {
        var judge = KeywordJudge.Create("kw", [new KeywordRule(@"\bhello\b", 1), new KeywordRule(@"\bas an ai\b", -5)]);
        var task = new JudgeTask("t", "q",
        [
            new Candidate("refusal", "Hello. As an AI I cannot say hello."),
            new Candidate("plain", "Hello!"),
            new Candidate("none", "Hi."),
        ]);

        var verdict = await judge.JudgeAsync(task);

        Assert.Equal("plain > none > refusal", Show(verdict));
        Assert.Contains("refusal=-3", verdict.Rationale);
    }

    [Fact]
    public void Keyword_judge_rejects_an_invalid_pattern_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => KeywordJudge.Create("kw", [new KeywordRule("(unclosed", 1)]));
        Assert.Contains("(unclosed", error.Message);
    }

    [Fact]
    public async Task A_task_with_one_response_fails_instead_of_ranking()
    {
        var verdict = await LengthJudge.Create("len").JudgeAsync(new JudgeTask("t", "q", [new Candidate("a", "x")]));
        Assert.False(verdict.Succeeded);
        Assert.Contains("at least 2", verdict.Failure);
    }

    [Fact]
    public async Task Delegate_judge_records_who_judged_in_the_identity()
    {
        var judge = new DelegateJudge(new JudgeIdentity("vowels", "rule"), (_, r) => r.Text.Count("aeiou".Contains));
        var verdict = await judge.JudgeAsync(Three);
        Assert.Equal("vowels", verdict.Judge);
        Assert.Equal("long > mid > short", Show(verdict));
    }

    [Fact]
    public async Task A_scoring_function_that_throws_fails_the_task_instead_of_the_run()
    {
        var judge = new DelegateJudge(new JudgeIdentity("fragile", "rule"), (_, r) => r.Text.Length > 5 ? throw new FormatException("too long") : 1);
        var verdict = await judge.JudgeAsync(Three);
        Assert.False(verdict.Succeeded);
        Assert.Contains("too long", verdict.Failure);
    }

    /// <summary>Stands in for the trained reward model, which lives in another project.</summary>
    private sealed class TableScorer(Dictionary<string, float> scores) : IRewardSource
    {
        public string Name => "table-rm";
        public int Calls;
        public IReadOnlyList<RewardInput> LastBatch = [];

        public Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
        {
            Calls++;
            LastBatch = batch;
            return Task.FromResult(batch.Select(i => scores[i.Completion]).ToArray());
        }
    }

    [Fact]
    public async Task Reward_model_judge_ranks_one_batch_of_scores_with_ties_within_tolerance()
    {
        var scorer = new TableScorer(new() { ["hi"] = 0.10f, ["hello there, friend"] = 2.0f, ["hello!"] = 0.12f });
        var judge = new RewardModelJudge("rm", scorer, tieTolerance: 0.05);

        var verdict = await judge.JudgeAsync(Three);

        Assert.Equal("long > mid = short", Show(verdict));
        Assert.Equal(1, scorer.Calls);
        Assert.Equal("table-rm", judge.Identity.Model);
    }

    [Fact]
    public async Task Reward_model_judge_scores_each_response_with_the_task_prompt_and_reference()
    {
        var scorer = new TableScorer(new() { ["4"] = 1f, ["5"] = 0f });
        var task = new JudgeTask("t", "What is 2+2?", [new Candidate("a", "5"), new Candidate("b", "4")], Reference: "4");

        var verdict = await new RewardModelJudge("rm", scorer).JudgeAsync(task);

        Assert.Equal("b > a", Show(verdict));
        Assert.Equal([new RewardInput("What is 2+2?", "5", Reference: "4"), new RewardInput("What is 2+2?", "4", Reference: "4")], scorer.LastBatch);
    }

    [Fact]
    public async Task Reward_model_judge_fails_the_task_when_scores_are_missing()
    {
        var judge = new RewardModelJudge("rm", new ShortScorer());
        var verdict = await judge.JudgeAsync(Three);
        Assert.Contains("1 scores for 3 responses", verdict.Failure);
    }

    private sealed class ShortScorer : IRewardSource
    {
        public string Name => "short";
        public Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default) =>
            Task.FromResult<float[]>([1f]);
    }
}
