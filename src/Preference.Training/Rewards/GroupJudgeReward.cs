using Preference.Core.Judging;
using Preference.Core.Rewards;

namespace Preference.Training.Rewards;

/// <summary>
/// A pairwise judge as a reward for group methods (GRPO, RLOO): the completions of the same prompt in a batch are
/// compared round robin, each pair once, and a completion earns (wins − losses) / (comparisons it took part in), in
/// [−1, 1]; ties and failed verdicts count 0. The group's ranking is what the advantage needs, so no baseline policy is
/// sampled. A prompt with a single completion in the batch has nothing to be ranked against and gets 0.
/// </summary>
/// <param name="parallelism">Comparisons judged at once (the judge config's <c>parallelism</c>).</param>
/// <param name="name">Name in metrics (<c>rewards/NAME/mean</c>); default the judge's own.</param>
public sealed class GroupJudgeReward(IJudge judge, int parallelism = 4, string? name = null) : IRewardSource
{
    public string Name { get; } = name ?? judge.Identity.Name;

    public async Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var pairs = new List<(int First, int Second)>();
        foreach (var group in Enumerable.Range(0, batch.Count).GroupBy(i => batch[i].Prompt, StringComparer.Ordinal))
        {
            var members = group.ToList();
            for (int a = 0; a < members.Count; a++)
                for (int b = a + 1; b < members.Count; b++)
                    pairs.Add((members[a], members[b]));
        }
        var comparisons = pairs.Select((pair, k) =>
            new PairwiseComparison($"g{k}", batch[pair.First].Prompt, batch[pair.First].Completion, batch[pair.Second].Completion)).ToList();
        var outcomes = await judge.CompareAsync(comparisons, parallelism, cancellationToken);

        var score = new double[batch.Count];
        var played = new int[batch.Count];
        for (int k = 0; k < pairs.Count; k++)
        {
            var (first, second) = pairs[k];
            played[first]++;
            played[second]++;
            double points = outcomes[k] switch { PairwiseOutcome.Win => 1, PairwiseOutcome.Loss => -1, _ => 0 };
            score[first] += points;
            score[second] -= points;
        }
        return score.Select((s, i) => played[i] == 0 ? 0f : (float)(s / played[i])).ToArray();
    }
}
