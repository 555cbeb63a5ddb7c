namespace Preference.Training.Rewards;

/// <summary>How a candidate fared against a baseline in one comparison.</summary>
public enum PairwiseOutcome { Loss = -1, Tie = 0, Win = 1, Failed = 2 }

/// <summary>One comparison: the same prompt, the completion under test and the baseline's.</summary>
public sealed record PairwiseComparison(string Id, string Prompt, string Candidate, string Baseline);

/// <summary>
/// A judge seen from training: compares a candidate with a baseline completion. The adapter to Preference.Judges
/// (LLM, rule and reward-model judges) lives in the CLI so that training does not depend on the judges project.
/// </summary>
public interface IPairwiseJudge
{
    string Name { get; }

    /// <returns>One outcome per comparison, in order; <see cref="PairwiseOutcome.Failed"/> where the judge gave none.</returns>
    Task<IReadOnlyList<PairwiseOutcome>> CompareAsync(IReadOnlyList<PairwiseComparison> comparisons, CancellationToken cancellationToken = default);
}
