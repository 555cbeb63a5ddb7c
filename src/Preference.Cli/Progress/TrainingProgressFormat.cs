using System.Globalization;
using Preference.Training.Common;

namespace Preference.Cli.Progress;

/// <summary>
/// The one-line summary of a training step that both the live bar and the plain log show: the loss-like metrics,
/// throughput, model FLOPs utilisation when the trainer reports it, and the time left.
/// </summary>
public static class TrainingProgressFormat
{
    /// <summary>Metric a trainer reports as achieved FLOP/s over the device's peak (0..1), as nanoGPT's estimate_mfu.</summary>
    public const string MfuMetric = "perf/mfu";

    const int MostMetricsShown = 3;

    /// <summary>Loss-like metrics first (train before eval), at most three, so the line fits a terminal.</summary>
    public static IEnumerable<KeyValuePair<string, double>> Headline(IReadOnlyDictionary<string, double> metrics) =>
        metrics.Where(m => m.Key.Contains("loss", StringComparison.Ordinal) || m.Key.Contains("perplexity", StringComparison.Ordinal)
                           || m.Key.Contains("accuracy", StringComparison.Ordinal) || m.Key.Contains("reward", StringComparison.Ordinal))
            .OrderBy(m => m.Key.Contains("loss", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(m => m.Key.StartsWith("eval", StringComparison.Ordinal) ? 1 : 0)
            .Take(MostMetricsShown);

    public static string Stats(TrainingProgress progress, TimeSpan? remaining)
    {
        var parts = Headline(progress.Metrics).Select(m => $"{m.Key} {Number(m.Value)}").ToList();
        parts.Add($"{progress.TokensPerSecond.ToString("N0", CultureInfo.InvariantCulture)} tok/s");
        if (progress.Metrics.TryGetValue(MfuMetric, out var mfu) && double.IsFinite(mfu))
            parts.Add($"MFU {(mfu * 100).ToString("0.00", CultureInfo.InvariantCulture)}%");
        parts.Add($"ETA {Duration(remaining)}");
        return string.Join("  ", parts);
    }

    public static string Line(TrainingProgress progress, TimeSpan? remaining)
    {
        double percent = progress.TotalSteps > 0 ? 100.0 * progress.Step / progress.TotalSteps : 0;
        return $"{progress.Stage} step {progress.Step}/{progress.TotalSteps} ({percent.ToString("0", CultureInfo.InvariantCulture)}%)  {Stats(progress, remaining)}";
    }

    public static string Number(double value) =>
        !double.IsFinite(value) ? value.ToString(CultureInfo.InvariantCulture)
        : Math.Abs(value) is >= 1e4 or (< 1e-3 and > 0) ? value.ToString("0.###e+0", CultureInfo.InvariantCulture)
        : value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan? value) => value switch
    {
        null => "--:--",
        { TotalHours: >= 100 } => ">99h",
        { } t => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}",
    };
}
