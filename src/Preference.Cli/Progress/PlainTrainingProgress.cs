using System.Diagnostics;
using Preference.Training.Common;

namespace Preference.Cli.Progress;

/// <summary>
/// Progress as plain lines when the output is a file or a pipe (CI logs, nohup): one line every few seconds and one
/// for the last step, never the escape codes a live bar would leave in a log.
/// </summary>
public sealed class PlainTrainingProgress(TextWriter writer, TimeSpan interval) : IProgress<TrainingProgress>
{
    readonly Lock _gate = new();
    readonly StepRate _rate = new();
    long _lastWritten = long.MinValue;

    public void Report(TrainingProgress value)
    {
        lock (_gate)
        {
            var remaining = _rate.Remaining(value);
            bool last = value.Step >= value.TotalSteps;
            if (!last && _lastWritten != long.MinValue && Stopwatch.GetElapsedTime(_lastWritten) < interval) return;
            _lastWritten = Stopwatch.GetTimestamp();
            writer.WriteLine(TrainingProgressFormat.Line(value, remaining));
            writer.Flush();
        }
    }
}
