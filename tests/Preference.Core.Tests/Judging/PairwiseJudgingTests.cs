using Preference.Core.Judging;
using Preference.Core.Rankings;

namespace Preference.Core.Tests.Judging;

/// <summary>Any judge asked pairwise (rewards, win rate): the verdict's ranking decides win, tie or loss.</summary>
public sealed class PairwiseJudgingTests
{
    /// <summary>
    /// Ranks responses by a fixed quality table (equal quality ties) and fails a task showing a text it does not know,
    /// as a judge that cannot parse its model's answer does. Later comparisons answer sooner, to scramble completion order.
    /// </summary>
    sealed class QualityJudge : IJudge
    {
        static readonly Dictionary<string, int> Quality = new() { ["good"] = 2, ["fine"] = 1, ["okay"] = 1, ["bad"] = 0 };

        public JudgeIdentity Identity { get; } = new("quality", "rule");
        public List<JudgeTask> Seen { get; } = [];

        public async Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default)
        {
            lock (Seen) Seen.Add(task);
            await Task.Delay(TimeSpan.FromMilliseconds(40 - 5 * int.Parse(task.TaskId[1..])), cancellationToken);
            if (task.Responses.FirstOrDefault(r => !Quality.ContainsKey(r.Text)) is { } unknown)
                return JudgeVerdict.Failed(task, Identity, $"cannot judge '{unknown.Text}'");
            var tiers = task.Responses.GroupBy(r => Quality[r.Text]).OrderByDescending(g => g.Key)
                .Select(g => (IReadOnlyList<string>)g.Select(r => r.Id).ToList()).ToList();
            return JudgeVerdict.Ranked(task, Identity, new Ranking(tiers), "by quality");
        }
    }

    static PairwiseComparison Compare(int i, string candidate, string baseline) => new($"c{i}", "prompt", candidate, baseline);

    [Fact]
    public async Task Outcomes_follow_the_ranking_and_keep_the_comparisons_order_under_parallelism()
    {
        var judge = new QualityJudge();
        var outcomes = await judge.CompareAsync(
            [Compare(0, "good", "bad"), Compare(1, "fine", "okay"), Compare(2, "bad", "good"), Compare(3, "gibberish", "good"), Compare(4, "good", "fine")],
            parallelism: 4);

        Assert.Equal([PairwiseOutcome.Win, PairwiseOutcome.Tie, PairwiseOutcome.Loss, PairwiseOutcome.Failed, PairwiseOutcome.Win], outcomes);
    }

    [Fact]
    public async Task The_judge_sees_one_two_response_task_per_comparison_with_the_candidate_shown_first()
    {
        var judge = new QualityJudge();
        await judge.CompareAsync([Compare(0, "good", "bad")], parallelism: 1);

        var task = Assert.Single(judge.Seen);
        Assert.Equal("c0", task.TaskId);
        Assert.Equal("prompt", task.Prompt);
        Assert.Equal([new Candidate(PairwiseJudging.CandidateId, "good"), new Candidate(PairwiseJudging.BaselineId, "bad")], task.Responses);
    }

    [Fact]
    public async Task Cancellation_stops_the_comparisons_with_an_exception_not_a_failed_outcome()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new QualityJudge().CompareAsync([Compare(0, "good", "bad"), Compare(1, "bad", "good")], cancellationToken: cancelled.Token));
    }
}
