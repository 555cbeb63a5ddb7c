namespace Preference.Core.Judging;

/// <summary>
/// One candidate-against-baseline question for a judge: the same prompt, the completion under test and the baseline's
/// (a reference policy's completion, or another member of a GRPO group).
/// </summary>
/// <param name="Id">Task id the judge sees and records; unique within one <see cref="PairwiseJudging.CompareAsync"/> call.</param>
public sealed record PairwiseComparison(string Id, string Prompt, string Candidate, string Baseline);

/// <summary>How a candidate fared against the baseline in one comparison.</summary>
public enum PairwiseOutcome { Loss = -1, Tie = 0, Win = 1, Failed = 2 }
