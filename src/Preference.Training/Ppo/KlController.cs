namespace Preference.Training.Ppo;

/// <summary>
/// The KL coefficient β. Fixed, or adaptive as in Ziegler et al. (2019): after each batch β is multiplied by
/// 1 + clip(KL/target − 1, −0.2, 0.2) · n/horizon, so the observed KL drifts towards the target.
/// </summary>
public sealed class KlController(double initial, double? target = null, double horizon = 10_000)
{
    public double Value { get; private set; } = initial;

    public bool IsAdaptive => target is not null;

    /// <param name="observedKl">Mean KL per sequence of the batch just trained on.</param>
    /// <param name="episodes">Rollouts in that batch.</param>
    public void Update(double observedKl, int episodes)
    {
        if (target is not { } goal || !double.IsFinite(observedKl)) return;
        double error = Math.Clamp(observedKl / goal - 1, -0.2, 0.2);
        Value *= 1 + error * episodes / horizon;
    }

    /// <summary>Restores β from a checkpoint.</summary>
    public void Restore(double value) => Value = value;

    public static KlController For(PpoConfig config) =>
        new(config.KlCoef, config.AdaptiveKl ? config.KlTarget : null, config.KlHorizon);
}
