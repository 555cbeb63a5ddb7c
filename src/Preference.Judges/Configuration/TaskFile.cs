using System.Text.Json;
using Preference.Core.Judging;

namespace Preference.Judges.Configuration;

/// <summary>
/// Reads tasks to judge offline from a file: JSON lines {"id", "prompt", "responses": ["text", ...] or
/// [{"id", "text"}, ...], "reference"?}, or the PandaLM layout (a JSON array of {idx, instruction, input, response1,
/// response2}, responses ided "response1"/"response2" so verdicts line up with PandaLM's 1/2 labels).
/// </summary>
public static class TaskFile
{
    public static async Task<IReadOnlyList<JudgeTask>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such task file", path);
        var text = await File.ReadAllTextAsync(path, cancellationToken);
        try
        {
            var tasks = text.TrimStart().StartsWith('[') ? ReadPandaLm(text) : ReadJsonLines(text);
            foreach (var task in tasks)
                if (task.Validate() is { } problem) throw new InvalidDataException(problem);
            var duplicate = tasks.GroupBy(t => t.TaskId).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new InvalidDataException($"task id '{duplicate.Key}' appears more than once");
            return tasks;
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

    private static List<JudgeTask> ReadPandaLm(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.EnumerateArray().Select((item, i) =>
        {
            string Get(string name) => item.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()
                : throw new InvalidDataException($"element {i + 1} has no '{name}'");
            var input = item.TryGetProperty("input", out var inp) ? inp.GetString() : null;
            var prompt = string.IsNullOrWhiteSpace(input) ? Get("instruction") : $"{Get("instruction")}\n\n{input}";
            return new JudgeTask(Get("idx"), prompt, [new Candidate("response1", Get("response1")), new Candidate("response2", Get("response2"))]);
        }).ToList();
    }

    private static List<JudgeTask> ReadJsonLines(string text)
    {
        var tasks = new List<JudgeTask>();
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            JsonElement line;
            try { line = JsonDocument.Parse(lines[n]).RootElement; }
            catch (JsonException e) { throw new InvalidDataException($"line {n + 1} is not JSON: {e.Message}"); }
            string Field(string name) => line.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()! : throw new InvalidDataException($"line {n + 1}: '{name}' must be a string");
            if (!line.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"line {n + 1}: 'responses' must be an array");
            var candidates = responses.EnumerateArray().Select((r, i) => r.ValueKind == JsonValueKind.String
                ? new Candidate($"r{i + 1}", r.GetString()!)
                : new Candidate(r.GetProperty("id").GetString()!, r.GetProperty("text").GetString()!)).ToList();
            var reference = line.TryGetProperty("reference", out var refe) && refe.ValueKind == JsonValueKind.String ? refe.GetString() : null;
            tasks.Add(new JudgeTask(Field("id"), Field("prompt"), candidates, reference));
        }
        return tasks;
    }
}
