using System.Text.Json;

namespace Preference.Training.Common;

/// <summary>
/// samples.jsonl of an online run: a few completions with their scores every sample_steps, one JSON object per line
/// with its step, so a resumed run drops what steps past its checkpoint wrote and writes them again.
/// </summary>
public sealed class SamplesFile(string path)
{
    public string FilePath { get; } = path;

    public Task AppendAsync(IEnumerable<object> rows, CancellationToken cancellationToken) =>
        File.AppendAllLinesAsync(FilePath, rows.Select(row => JsonSerializer.Serialize(row)), cancellationToken);

    public void DropAfter(long step)
    {
        if (!File.Exists(FilePath)) return;
        File.WriteAllLines(FilePath, File.ReadLines(FilePath).Where(line =>
        {
            try { return JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64() <= step; }
            catch (JsonException) { return false; } // torn by the kill
        }).ToList());
    }
}
