namespace Preference.Core.Judging;

/// <summary>
/// Any judge asked pairwise, as rewards and win-rate evaluation ask it: each comparison is shown as a two-response
/// task (candidate first; position-balanced judges also see the other order) and the verdict's ranking says whether
/// the candidate won, tied or lost. A judge that gives no verdict yields <see cref="PairwiseOutcome.Failed"/>.
/// </summary>
public static class PairwiseJudging
{
    /// <summary>The response ids the judge sees; they say nothing about which side is which beyond their order.</summary>
    public const string CandidateId = "candidate";
    public const string BaselineId = "baseline";

    /// <param name="parallelism">Comparisons judged at once; the judge's own limits (concurrency, rate) still apply inside.</param>
    /// <returns>One outcome per comparison, in order.</returns>
    public static async Task<IReadOnlyList<PairwiseOutcome>> CompareAsync(this IJudge judge, IReadOnlyList<PairwiseComparison> comparisons,
        int parallelism = 4, CancellationToken cancellationToken = default)
    {
        var outcomes = new PairwiseOutcome[comparisons.Count];
        await Parallel.ForAsync(0, comparisons.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = await judge.CompareAsync(comparisons[i], token));
        return outcomes;
    }

    public static async Task<PairwiseOutcome> CompareAsync(this IJudge judge, PairwiseComparison comparison, CancellationToken cancellationToken = default)
    {
        var task = new JudgeTask(comparison.Id, comparison.Prompt,
            [new Candidate(CandidateId, comparison.Candidate), new Candidate(BaselineId, comparison.Baseline)]);
        var verdict = await judge.JudgeAsync(task, cancellationToken);
        if (verdict.Ranking is not { } ranking) return PairwiseOutcome.Failed;
        int candidate = ranking.TierOf(CandidateId), baseline = ranking.TierOf(BaselineId);
        return candidate < baseline ? PairwiseOutcome.Win : candidate > baseline ? PairwiseOutcome.Loss : PairwiseOutcome.Tie;
    }
}
