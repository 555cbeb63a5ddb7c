namespace Preference.Training.Common;

/// <summary>The learning rate at an optimizer step: linear warm-up, then constant, linear or cosine decay to zero.</summary>
public sealed class LearningRateSchedule(OptimizerConfig config, long totalSteps)
{
    public long WarmupSteps { get; } = config.WarmupSteps > 0 ? config.WarmupSteps : (long)Math.Ceiling(config.WarmupRatio * totalSteps);

    /// <param name="step">0-based optimizer step about to be taken.</param>
    public double At(long step)
    {
        if (step < WarmupSteps) return config.LearningRate * (step + 1) / WarmupSteps;
        double progress = totalSteps <= WarmupSteps ? 1.0 : Math.Clamp((double)(step - WarmupSteps) / (totalSteps - WarmupSteps), 0, 1);
        return config.LearningRate * config.Schedule switch
        {
            LearningRateScheduleKind.Constant => 1.0,
            LearningRateScheduleKind.Linear => 1.0 - progress,
            LearningRateScheduleKind.Cosine => 0.5 * (1.0 + Math.Cos(Math.PI * progress)),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Schedule, "unknown schedule"),
        };
    }
}
