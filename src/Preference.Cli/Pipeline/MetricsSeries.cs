using System.Text.Json;

namespace Preference.Cli.Pipeline;

/// <summary>Reads (step, value) points of one metric out of a trainer's metrics.jsonl.</summary>
public static class MetricsSeries
{
    public static IReadOnlyList<(double Step, double Value)> Read(string metricsFile, string metric)
    {
        if (!File.Exists(metricsFile)) return [];
        var points = new List<(double, double)>();
        foreach (var line in File.ReadLines(metricsFile))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var row = JsonDocument.Parse(line);
            var root = row.RootElement;
            // Trainers write either {"step", "values": {...}} or flat rows; accept both.
            var values = root.TryGetProperty("values", out var nested) ? nested : root;
            if (root.TryGetProperty("step", out var step) && values.TryGetProperty(metric, out var value) && value.ValueKind == JsonValueKind.Number)
                points.Add((step.GetDouble(), value.GetDouble()));
        }
        return points;
    }
}
