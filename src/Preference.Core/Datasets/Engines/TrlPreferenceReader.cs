using System.Runtime.CompilerServices;
using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Core.Datasets.Engines;

/// <summary>
/// Reads back what <see cref="TrlPreferenceWriter"/> writes (a campaign export, a quickstart's
/// <c>export/pairs.jsonl</c>): standard or conversational rows with their <c>agreement</c> and <c>votes</c>, so the
/// pairs can be re-shaped for another engine without going back to the store.
/// </summary>
public static class TrlPreferenceReader
{
    public static async IAsyncEnumerable<PreferencePair> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such preference file", path);
        int line = 0;
        await foreach (var text in File.ReadLinesAsync(path, cancellationToken))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return Parse(text, $"{path}: line {line}", $"l{line}");
        }
    }

    public static PreferencePair Parse(string json, string where, string id)
    {
        JsonElement row;
        try
        {
            using var document = JsonDocument.Parse(json);
            row = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException($"{where}: invalid JSON: {e.Message.Split(" LineNumber")[0]}");
        }
        if (row.ValueKind != JsonValueKind.Object) throw new DatasetFormatException($"{where}: expected a JSON object");
        var prompt = Field(row, "prompt", where);
        var promptRecord = prompt.ValueKind == JsonValueKind.Array
            ? new Prompt { Id = id, Messages = Messages(prompt, "prompt", where) }
            : new Prompt { Id = id, Text = prompt.GetString() };
        Completion Answer(string name, string suffix)
        {
            var value = Field(row, name, where);
            return value.ValueKind == JsonValueKind.Array
                ? new Completion { Id = id + suffix, PromptId = id, Messages = Messages(value, name, where) }
                : new Completion { Id = id + suffix, PromptId = id, Text = value.GetString() };
        }
        double agreement = row.TryGetProperty("agreement", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : 1;
        int votes = row.TryGetProperty("votes", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 1;
        return new PreferencePair(promptRecord, Answer("chosen", "c"), Answer("rejected", "r"), agreement, votes);
    }

    static JsonElement Field(JsonElement row, string name, string where)
    {
        if (!row.TryGetProperty(name, out var value) || value.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
            throw new DatasetFormatException($"{where}: {name}: expected a string or a list of messages");
        return value;
    }

    static List<Message> Messages(JsonElement list, string name, string where) => list.EnumerateArray().Select((m, i) =>
        m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String
        && m.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            ? new Message(role.GetString()!, content.GetString()!)
            : throw new DatasetFormatException($"{where}: {name}[{i}]: expected {{\"role\": ..., \"content\": ...}}")).ToList();
}
