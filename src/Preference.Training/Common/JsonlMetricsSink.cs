using System.Text.Json;

namespace Preference.Training.Common;

/// <summary>
/// Appends one JSON object per line to metrics.jsonl: {"stage", "step", "time", and every metric by name}.
/// A resumed run first drops rows past the step it resumes from, so the file never holds two histories.
/// </summary>
public sealed class JsonlMetricsSink : IMetricsSink
{
    readonly string _path;

    public JsonlMetricsSink(string path, long? resumeFromStep = null)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (resumeFromStep is { } step && File.Exists(path)) DropRowsAfter(step);
        else if (resumeFromStep is null && File.Exists(path)) File.Delete(path);
    }

    public string FilePath => _path;

    public async ValueTask WriteAsync(MetricsRecord record, CancellationToken cancellationToken)
    {
        var row = new Dictionary<string, object> { ["stage"] = record.Stage, ["step"] = record.Step, ["time"] = record.Time };
        foreach (var (name, value) in record.Values)
            row[name] = double.IsFinite(value) ? value : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await File.AppendAllTextAsync(_path, JsonSerializer.Serialize(row) + "\n", cancellationToken);
    }

    /// <summary>Reads every row back (for reports and tests).</summary>
    public static IReadOnlyList<JsonElement> Read(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    void DropRowsAfter(long step)
    {
        var kept = File.ReadLines(_path)
            .Where(line => line.Length > 0)
            .Where(line =>
            {
                try { return JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64() <= step; }
                catch (JsonException) { return false; } // a line torn by a kill mid-write
            })
            .ToList();
        File.WriteAllLines(_path, kept);
    }
}
