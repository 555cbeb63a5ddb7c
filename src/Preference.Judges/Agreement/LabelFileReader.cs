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
        catch (Exception e) when (e is InvalidDataException or ArgumentException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static LabelSet ReadJsonArray(string text)
    {
        using var doc = JsonDocument.Parse(text);
        // GET /api/campaigns/{id}/annotations answers a JSON array of annotations: same records as the JSONL files.
        if (doc.RootElement.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first && first.TryGetProperty("taskId", out _))
            return ReadRecords(doc.RootElement.EnumerateArray().Select((e, i) => (i + 1, e)), "element");
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

    private static LabelSet ReadJsonLines(string text) =>
        ReadRecords(text.Split('\n').Select((line, i) => (Line: i + 1, Text: line)).Where(l => !string.IsNullOrWhiteSpace(l.Text)).Select(l =>
        {
            try { return (l.Line, JsonDocument.Parse(l.Text).RootElement); }
            catch (JsonException e) { throw new InvalidDataException($"line {l.Line} is not JSON: {e.Message}"); }
        }), "line");

    private static LabelSet ReadRecords(IEnumerable<(int Number, JsonElement Record)> records, string unit)
    {
        var rows = new List<(string, string, string)>();
        var failed = new HashSet<string>();
        var flipped = new Dictionary<string, bool>();
        foreach (var (number, line) in records)
        {
            if (line.TryGetProperty("label", out var label))
            {
                rows.Add((Required(line, "item", unit, number), Required(line, "annotator", unit, number), Scalar(label)));
                continue;
            }
            var task = Required(line, "taskId", unit, number);
            var annotator = Required(line, "annotatorId", unit, number);
            if (line.TryGetProperty("failure", out var failure) && failure.ValueKind == JsonValueKind.String)
            {
                failed.Add(task);
                continue;
            }
            if (!line.TryGetProperty("ranking", out var rankingJson))
                throw new InvalidDataException($"{unit} {number} has no 'ranking', 'failure' or 'label'");
            var ranking = rankingJson.Deserialize<Ranking>(PreferenceJson.Options)!;
            var ids = ranking.ResponseIds.Order(StringComparer.Ordinal).ToList();
            bool pairwise = ids.Count == 2;
            for (int a = 0; a < ids.Count; a++)
                for (int b = a + 1; b < ids.Count; b++)
                {
                    var item = pairwise ? task : $"{task}:{ids[a]}|{ids[b]}";
                    rows.Add((item, annotator, PairLabels.FromRanking(ranking, ids[a], ids[b])));
                    if (OrderFlipped(line) is { } f) flipped[item] = f;
                }
        }
        return new LabelSet(RatingTable.FromRows(rows), failed, flipped);
    }

    /// <summary>A verdict log says orderFlipped; an annotation stored by a campaign judge run says metadata.order_flipped.</summary>
    private static bool? OrderFlipped(JsonElement line)
    {
        if (line.TryGetProperty("orderFlipped", out var f) && f.ValueKind is JsonValueKind.True or JsonValueKind.False) return f.GetBoolean();
        if (line.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object &&
            metadata.TryGetProperty("order_flipped", out var m) && m.ValueKind == JsonValueKind.String)
            return m.GetString() == "true";
        return null;
    }

    private static string? PandaLmLabel(string value) => value.Trim().ToLowerInvariant() switch
    {
        "1" => PairLabels.First,
        "2" => PairLabels.Second,
        "0" or "tie" => PairLabels.Tie,
        _ => null,
    };

    private static string Required(JsonElement line, string name, string unit, int number) =>
        line.TryGetProperty(name, out var value) && Scalar(value) is { Length: > 0 } s
            ? s
            : throw new InvalidDataException($"{unit} {number} has no '{name}'");

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        _ => value.GetRawText(),
    };
}
