using Preference.Core.Judging;
using Preference.Training.Rewards;

namespace Preference.Cli.Rewards;

/// <summary>
/// Any judge from Preference.Judges (LLM, rule, reward model) as the pairwise judge training and evaluation use:
/// each comparison becomes a two-response task, and the ranking says whether the candidate won, tied or lost.
/// </summary>
public sealed class JudgePairwiseAdapter(IJudge judge, int parallelism = 4) : IPairwiseJudge
{
    const string CandidateId = "candidate";
    const string BaselineId = "baseline";

    public string Name => judge.Identity.Name;

    public async Task<IReadOnlyList<PairwiseOutcome>> CompareAsync(IReadOnlyList<PairwiseComparison> comparisons,
        CancellationToken cancellationToken = default)
    {
        var outcomes = new PairwiseOutcome[comparisons.Count];
        await Parallel.ForAsync(0, comparisons.Count,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = await CompareOneAsync(comparisons[i], token));
        return outcomes;
    }

    async Task<PairwiseOutcome> CompareOneAsync(PairwiseComparison comparison, CancellationToken cancellationToken)
    {
        var task = new JudgeTask(comparison.Id, comparison.Prompt,
            [new Candidate(CandidateId, comparison.Candidate), new Candidate(BaselineId, comparison.Baseline)]);
        var verdict = await judge.JudgeAsync(task, cancellationToken);
        if (verdict.Ranking is not { } ranking) return PairwiseOutcome.Failed;
        int candidate = ranking.TierOf(CandidateId), baseline = ranking.TierOf(BaselineId);
        return candidate < baseline ? PairwiseOutcome.Win : candidate > baseline ? PairwiseOutcome.Loss : PairwiseOutcome.Tie;
    }
}
