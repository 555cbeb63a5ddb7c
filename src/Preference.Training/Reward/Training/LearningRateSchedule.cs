namespace Preference.Training.Reward.Training;

/// <summary>Linear warm-up to the peak, then cosine decay to a tenth of it (never to zero: late steps still count).</summary>
public static class LearningRateSchedule
{
    public static double At(int step, int totalSteps, int warmupSteps, double peak)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        double progress = totalSteps <= warmupSteps ? 1 : (double)(step - warmupSteps) / (totalSteps - warmupSteps);
        return peak * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress))));
    }
}
