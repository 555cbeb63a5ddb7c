using System.Text.Json;
using Preference.Core.Datasets;
using Preference.Core.Domain;
using Preference.Training.Reward.Data;

namespace Preference.Training.Dpo;

/// <summary>A prompt's completion with a thumbs-up (desirable) or thumbs-down label.</summary>
public sealed record LabeledCompletion(string Prompt, string Completion, bool Desirable);

/// <summary>
/// Reads KTO's data: TRL's unpaired <c>{"prompt", "completion", "label": true|false}</c> rows (strings or lists of
/// messages), or any preference file <see cref="RewardDataReader"/> knows, unpaired as TRL's unpair_preference_dataset
/// does: chosen completions desirable, rejected ones undesirable (each completion once per prompt and label).
/// </summary>
public static class LabeledCompletionReader
{
    public static async Task<IReadOnlyList<LabeledCompletion>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new RewardDataException(path, "no such file");
        var rows = new List<LabeledCompletion>();
        var seen = new HashSet<LabeledCompletion>();
        await foreach (var (number, record) in RewardDataReader.RecordsAsync(path, cancellationToken))
        {
            try
            {
                foreach (var row in Parse(record))
                    if (seen.Add(row)) rows.Add(row);
            }
            catch (Exception e) when (e is DatasetFormatException or RewardDataException)
            {
                throw new RewardDataException(path, $"record {number}: {e.Message}");
            }
        }
        if (rows.Count == 0) throw new RewardDataException(path, "no labelled completions (empty file, or every pair tied)");
        return rows;
    }

    static IEnumerable<LabeledCompletion> Parse(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object) throw new RewardDataException("record", "must be a JSON object");
        if (!record.TryGetProperty("label", out var label))
        {
            foreach (var pair in RewardDataReader.Expand(record, DatasetFormat.Auto, TieHandling.Drop))
            {
                yield return new LabeledCompletion(pair.Prompt, pair.Chosen, true);
                yield return new LabeledCompletion(pair.Prompt, pair.Rejected, false);
            }
            yield break;
        }
        if (label.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new RewardDataException("label", "must be true (desirable) or false (undesirable)");
        if (!record.TryGetProperty("prompt", out var prompt)) throw new RewardDataException("prompt", "is missing");
        if (!record.TryGetProperty("completion", out var completion)) throw new RewardDataException("completion", "is missing");
        var promptText = prompt.ValueKind == JsonValueKind.Array
            ? RewardText.Prompt(null, Messages(prompt, "prompt"))
            : Text(prompt, "prompt");
        var completionText = completion.ValueKind == JsonValueKind.Array
            ? RewardText.Completion(null, Messages(completion, "completion"))
            : Text(completion, "completion");
        if (completionText.Length == 0) throw new RewardDataException("completion", "is empty: there is nothing to score");
        yield return new LabeledCompletion(promptText, completionText, label.ValueKind == JsonValueKind.True);
    }

    static string Text(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new RewardDataException(field, "must be a string or a list of messages");

    static List<Message> Messages(JsonElement value, string field)
    {
        var messages = new List<Message>();
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            string at = $"{field}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw new RewardDataException(at, "must be an object with string role and content");
            messages.Add(new Message(role.GetString()!, content.GetString()!));
        }
        if (messages.Count == 0) throw new RewardDataException(field, "is empty");
        return messages;
    }
}
