using System.Diagnostics;
using Preference.Judges.Running;

namespace Preference.Cli.Judging;

/// <summary>Progress of a judge run on stderr, at most a few lines per second so a long run's log stays readable.</summary>
public sealed class ProgressLine(TextWriter writer) : IProgress<JudgeProgress>
{
    private readonly object _gate = new();
    private long _last;

    public void Report(JudgeProgress value)
    {
        lock (_gate)
        {
            if (Stopwatch.GetElapsedTime(_last) < TimeSpan.FromSeconds(0.5) && value.Done != value.Total) return;
            _last = Stopwatch.GetTimestamp();
            writer.WriteLine(Format(value));
        }
    }

    public void Finish(JudgeProgress value)
    {
        lock (_gate) writer.WriteLine(Format(value));
    }

    private static string Format(JudgeProgress p) =>
        $"judge: {p.Done}{(p.Total is { } t ? $"/{t}" : "")} done ({p.Skipped} from earlier runs), {p.Failed} failed, {p.Flipped} flipped by order";
}
