namespace Preference.Judges.RewardModel;

/// <summary>One prompt/completion pair to score.</summary>
public sealed record ScoringInput(string Prompt, string Completion);

/// <summary>
/// A trained reward model seen from the judges: a scalar score per (prompt, completion), higher is better. The
/// reward-model trainer implements this; batching is the implementer's choice, the judge sends one task's responses
/// per call.
/// </summary>
public interface IRewardScorer
{
    /// <summary>The model's name or checkpoint path, recorded as the judge's model.</summary>
    string ModelName { get; }

    /// <returns>One score per input, in input order.</returns>
    Task<IReadOnlyList<float>> ScoreAsync(IReadOnlyList<ScoringInput> batch, CancellationToken cancellationToken = default);
}
