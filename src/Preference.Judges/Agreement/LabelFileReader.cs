using System.Text.Json;
using Preference.Core.Agreement;
using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Judges.Agreement;

/// <summary>
/// Reads per-item labels from the layouts teams have: our verdict logs and annotation exports (JSON lines with
/// taskId, annotatorId, ranking), plain label lines ({"item","annotator","label"}), and the PandaLM layout (a JSON
/// array with annotator1..n or gpt_result per idx). Pairwise labels are first/tie/second with the two response ids in
/// ordinal order, so different shown orders still compare; a k-wise ranking becomes one item per pair.
/// </summary>
public static class LabelFileReader
{
    public static async Task<LabelSet> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        var text = await File.ReadAllTextAsync(path, cancellationToken);
        try
        {
            return text.TrimStart().StartsWith('[') ? ReadJsonArray(text) : ReadJsonLines(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static LabelSet ReadJsonArray(string text)
    {
        using var doc = JsonDocument.Parse(text);
        var rows = new List<(string, string, string)>();
        var failed = new HashSet<string>();
        int index = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"element {index} is not an object");
            var id = item.TryGetProperty("idx", out var idx) ? Scalar(idx) : throw new InvalidDataException($"element {index} has no 'idx'");
            bool any = false;
            foreach (var property in item.EnumerateObject())
            {
                if (property.Name.StartsWith("annotator", StringComparison.Ordinal))
                {
                    rows.Add((id, property.Name, PandaLmLabel(Scalar(property.Value))
                        ?? throw new InvalidDataException($"element {index}: '{property.Name}' is '{Scalar(property.Value)}', expected 0, 1 or 2")));
                    any = true;
                }
                else if (property.Name == "gpt_result")
                {
                    // The judge's own output: anything but 1, 2 or Tie is an unparseable verdict, kept as a failure.
                    if (PandaLmLabel(Scalar(property.Value)) is { } label) rows.Add((id, "judge", label));
                    else failed.Add(id);
                    any = true;
                }
            }
            if (!any) throw new InvalidDataException($"element {index} has neither annotator1.. nor gpt_result");
        }
        return new LabelSet(RatingTable.FromRows(rows), failed, new Dictionary<string, bool>());
    }

    private static LabelSet ReadJsonLines(string text)
    {
        var rows = new List<(string, string, string)>();
        var failed = new HashSet<string>();
        var flipped = new Dictionary<string, bool>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            JsonElement line;
            try { line = JsonDocument.Parse(lines[i]).RootElement; }
            catch (JsonException e) { throw new InvalidDataException($"line {i + 1} is not JSON: {e.Message}"); }

            if (line.TryGetProperty("label", out var label))
            {
                rows.Add((Required(line, "item", i), Required(line, "annotator", i), Scalar(label)));
                continue;
            }
            var task = Required(line, "taskId", i);
            var annotator = Required(line, "annotatorId", i);
            if (line.TryGetProperty("failure", out var failure) && failure.ValueKind == JsonValueKind.String)
            {
                failed.Add(task);
                continue;
            }
            if (!line.TryGetProperty("ranking", out var rankingJson))
                throw new InvalidDataException($"line {i + 1} has no 'ranking', 'failure' or 'label'");
            var ranking = rankingJson.Deserialize<Ranking>(PreferenceJson.Options)!;
            var ids = ranking.ResponseIds.Order(StringComparer.Ordinal).ToList();
            bool pairwise = ids.Count == 2;
            for (int a = 0; a < ids.Count; a++)
                for (int b = a + 1; b < ids.Count; b++)
                {
                    var item = pairwise ? task : $"{task}:{ids[a]}|{ids[b]}";
                    rows.Add((item, annotator, PairLabels.FromRanking(ranking, ids[a], ids[b])));
                    if (line.TryGetProperty("orderFlipped", out var f) && f.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        flipped[item] = f.GetBoolean();
                }
        }
        return new LabelSet(RatingTable.FromRows(rows), failed, flipped);
    }

    private static string? PandaLmLabel(string value) => value.Trim().ToLowerInvariant() switch
    {
        "1" => PairLabels.First,
        "2" => PairLabels.Second,
        "0" or "tie" => PairLabels.Tie,
        _ => null,
    };

    private static string Required(JsonElement line, string name, int index) =>
        line.TryGetProperty(name, out var value) && Scalar(value) is { Length: > 0 } s
            ? s
            : throw new InvalidDataException($"line {index + 1} has no '{name}'");

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        _ => value.GetRawText(),
    };
}
