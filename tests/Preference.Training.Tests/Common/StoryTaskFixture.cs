using System.Text.Json;
using Preference.Training.Common;

namespace Preference.Training.Tests.Common;

/// <summary>
/// What the SFT and DPO fixtures share: a temp folder, the "X saw a Y." task on TinyStories names and things (which the
/// bundled stories260K does not know), JSONL rows of it, and reading a run's metric back.
/// </summary>
abstract class StoryTaskFixture(string prefix) : IDisposable
{
    static readonly string[] Names = ["Tim", "Lily", "Sam", "Mia", "Ben", "Sue", "Max", "Anna", "Tom", "Lucy"];
    static readonly string[] Things = ["ball", "cat", "dog", "tree", "cake", "boat", "bird", "car"];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Writes <paramref name="rows"/> JSONL rows, row i made from the i-th (name, thing) of the task.</summary>
    protected string WriteRows(int rows, string name, Func<string, string, object> row)
    {
        var lines = Enumerable.Range(0, rows).Select(i => JsonSerializer.Serialize(row(Names[i % Names.Length], Things[i / Names.Length % Things.Length])));
        var path = Path(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    public static IReadOnlyList<(long Step, double Value)> Metric(RunDirectory run, string name) =>
        JsonlMetricsSink.Read(run.MetricsFile)
            .Where(row => row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number)
            .Select(row => (row.GetProperty("step").GetInt64(), row.GetProperty(name).GetDouble()))
            .ToList();

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
