using System.Diagnostics;
using Preference.Training.Common;

namespace Preference.Cli.Progress;

/// <summary>
/// Time left from the pace since this display started, not since step 0: a resumed run starts at step k with its
/// elapsed clock at zero, and <see cref="TrainingProgress.EstimatedRemaining"/> would then promise far too little.
/// </summary>
public sealed class StepRate
{
    long? _firstStep;
    long _firstTimestamp;

    public TimeSpan? Remaining(TrainingProgress progress)
    {
        if (_firstStep is not { } first)
        {
            // The first report only sets the origin; its own step took an unknown time.
            _firstStep = progress.Step;
            _firstTimestamp = Stopwatch.GetTimestamp();
            return null;
        }
        long done = progress.Step - first;
        if (done <= 0) return null;
        var elapsed = Stopwatch.GetElapsedTime(_firstTimestamp);
        return elapsed / done * Math.Max(0, progress.TotalSteps - progress.Step);
    }
}
