using Preference.Core.Judging;
using Preference.Core.Rewards;

namespace Preference.Training.Rewards;

/// <summary>
/// A judge as a reward: each completion is compared with a baseline completion of the same prompt (usually the
/// reference policy's) and earns +1 for a win, 0 for a tie or a failed verdict, −1 for a loss.
/// </summary>
/// <param name="parallelism">Comparisons judged at once (the judge config's <c>parallelism</c>).</param>
/// <param name="baseline">Baseline completions for the given prompts, in order.</param>
public sealed class JudgeRewardSource(
    IJudge judge,
    int parallelism,
    Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<string>>> baseline) : IRewardSource
{
    public string Name => judge.Identity.Name;

    public async Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var baselines = await baseline(batch.Select(b => b.Prompt).ToList(), cancellationToken);
        if (baselines.Count != batch.Count)
            throw new InvalidOperationException($"baseline gave {baselines.Count} completions for {batch.Count} prompts");
        var comparisons = batch.Select((b, i) => new PairwiseComparison($"r{i}", b.Prompt, b.Completion, baselines[i])).ToList();
        var outcomes = await judge.CompareAsync(comparisons, parallelism, cancellationToken);
        return outcomes.Select(o => o switch { PairwiseOutcome.Win => 1f, PairwiseOutcome.Loss => -1f, _ => 0f }).ToArray();
    }
}
