namespace Preference.Training.Common;

/// <summary>
/// Tracks the best evaluation metric and how many evaluations in a row failed to beat it; says when to stop.
/// Lower is better (losses) unless <paramref name="higherIsBetter"/> (accuracies).
/// </summary>
public sealed class EarlyStopping(int patience, double minDelta = 0, bool higherIsBetter = false)
{
    /// <summary>Records an evaluation; returns the updated state and whether it is the new best.</summary>
    public (TrainerState State, bool IsBest) Observe(TrainerState state, double metric)
    {
        bool better = state.BestMetric is not { } best
                      || (higherIsBetter ? metric > best + minDelta : metric < best - minDelta);
        return better
            ? (state with { BestMetric = metric, BestStep = state.Step, EvaluationsWithoutImprovement = 0 }, true)
            : (state with { EvaluationsWithoutImprovement = state.EvaluationsWithoutImprovement + 1 }, false);
    }

    /// <summary>True once patience evaluations in a row brought no improvement; patience 0 never stops.</summary>
    public bool ShouldStop(TrainerState state) => patience > 0 && state.EvaluationsWithoutImprovement >= patience;
}
