namespace Preference.Training.Common;

/// <summary>What a progress bar shows after each optimizer step.</summary>
public sealed record TrainingProgress(
    string Stage,
    long Step,
    long TotalSteps,
    IReadOnlyDictionary<string, double> Metrics,
    double TokensPerSecond,
    TimeSpan Elapsed)
{
    /// <summary>Remaining time at the average pace so far.</summary>
    public TimeSpan? EstimatedRemaining => Step <= 0 ? null : Elapsed / Step * Math.Max(0, TotalSteps - Step);
}
