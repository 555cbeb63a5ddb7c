namespace Preference.Core.Domain;

/// <summary>
/// Which open task a campaign offers next (after tasks that others already started, which always come first so that
/// overlap is reached). See <see cref="Prioritization.LabelPriority"/> for how each order ranks tasks.
/// </summary>
public enum QueueOrder
{
    /// <summary>Import order: the behaviour of every campaign before queue orders existed, and the default.</summary>
    Sequence,
    /// <summary>A fixed pseudo-random order per campaign (a hash of campaign and task id), the baseline to compare against.</summary>
    Random,
    /// <summary>Smallest margin between adjacently scored candidates first, under the uploaded reward-model scores.</summary>
    Uncertainty,
    /// <summary>Tasks where the suggestion judge's ranking contradicts the reward model's scores most, first.</summary>
    JudgeDisagreement,
}
