namespace Preference.Training.Ppo;

/// <summary>Seconds a PPO step spent in each phase: sampling, scoring (reward sources plus the reference, value and old-policy passes) and the update.</summary>
public sealed record PhaseTimes(double Generate, double Score, double Train)
{
    public double Total => Generate + Score + Train;
}
