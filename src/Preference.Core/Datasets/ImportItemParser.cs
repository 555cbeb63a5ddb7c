using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Core.Datasets;

/// <summary>Turns one JSON record of any supported format into an <see cref="ImportItem"/>.</summary>
public static class ImportItemParser
{
    private const string AssistantMarker = "\n\nAssistant:";

    public static ImportItem Parse(JsonElement record, DatasetFormat format)
    {
        if (record.ValueKind != JsonValueKind.Object) throw new DatasetFormatException("record must be a JSON object");
        var resolved = format == DatasetFormat.Auto ? Detect(record) : format;
        var item = resolved switch
        {
            DatasetFormat.PromptCompletions => ParsePromptCompletions(record),
            DatasetFormat.TrlStandard or DatasetFormat.TrlConversational => ParseTrl(record),
            DatasetFormat.Messages => ParseMessages(record),
            DatasetFormat.QaFeedback => ParseQaFeedback(record),
            _ => throw new DatasetFormatException($"unsupported format {format}"),
        };
        if (item.Completions.Count < 2)
            throw new DatasetFormatException("completions: at least 2 are needed to rank");
        return item;
    }

    public static DatasetFormat Detect(JsonElement record)
    {
        if (record.TryGetProperty("completions", out _)) return DatasetFormat.PromptCompletions;
        if (record.TryGetProperty("chosen", out var chosen))
            return chosen.ValueKind == JsonValueKind.Array ? DatasetFormat.TrlConversational : DatasetFormat.TrlStandard;
        if (record.TryGetProperty("question", out _) && record.TryGetProperty("prediction 1", out _)) return DatasetFormat.QaFeedback;
        if (record.TryGetProperty("messages", out _)) return DatasetFormat.Messages;
        throw new DatasetFormatException("unrecognised record: expected 'completions', 'chosen'/'rejected', 'messages' or 'question'/'prediction 1'");
    }

    private static ImportItem ParsePromptCompletions(JsonElement record)
    {
        var (text, messages) = ReadPrompt(record, required: true);
        var completions = Required(record, "completions");
        if (completions.ValueKind != JsonValueKind.Array) throw new DatasetFormatException("completions: must be an array");
        var list = completions.EnumerateArray().Select((c, i) => ReadCompletion(c, $"completions[{i}]")).ToList();
        return new ImportItem { PromptText = text, PromptMessages = messages, Completions = list };
    }

    private static ImportItem ParseTrl(JsonElement record)
    {
        var chosen = Required(record, "chosen");
        var rejected = Required(record, "rejected");
        // Each side is checked on its own first, so a malformed one is named rather than blamed on the other.
        var chosenCompletion = ReadCompletion(chosen, "chosen");
        var rejectedCompletion = ReadCompletion(rejected, "rejected");
        if (chosen.ValueKind != rejected.ValueKind)
            throw new DatasetFormatException("rejected: must have the same type as chosen (both strings or both message lists)");
        var (text, messages) = ReadPrompt(record, required: false);
        if (text is null && messages is null)
        {
            // Implicit prompt: the text (or the turns) chosen and rejected share is the prompt.
            if (chosen.ValueKind == JsonValueKind.String)
                return SplitImplicitPrompt(chosen.GetString()!, rejected.GetString()!);
            var c = ReadMessages(chosen, "chosen");
            var r = ReadMessages(rejected, "rejected");
            int shared = 0;
            while (shared < Math.Min(c.Count, r.Count) - 1 && c[shared] == r[shared]) shared++;
            if (shared == 0) throw new DatasetFormatException("prompt: missing, and chosen/rejected share no leading turns");
            return new ImportItem
            {
                PromptMessages = c.Take(shared).ToList(),
                Completions = [new() { Messages = c.Skip(shared).ToList() }, new() { Messages = r.Skip(shared).ToList() }],
            };
        }
        return new ImportItem
        {
            PromptText = text,
            PromptMessages = messages,
            Completions = [chosenCompletion, rejectedCompletion],
        };
    }

    private static ImportItem SplitImplicitPrompt(string chosen, string rejected)
    {
        int shared = SharedPrefixLength(chosen, rejected);
        // An HH-RLHF dialogue: cut back to the last assistant marker inside the shared part, since real pairs sometimes
        // diverge several turns before the end, or share the first words of their answers.
        int cut = shared == 0 ? -1 : chosen.LastIndexOf(AssistantMarker, shared - 1, StringComparison.Ordinal);
        if (cut >= 0 && cut + AssistantMarker.Length <= shared)
        {
            int end = cut + AssistantMarker.Length;
            return new ImportItem
            {
                PromptText = chosen[..end],
                Completions = [new() { Text = chosen[end..].TrimStart() }, new() { Text = rejected[end..].TrimStart() }],
            };
        }
        // Plain text: TRL's extract_prompt, whose prompt is the shared prefix and whose completions keep their
        // leading space, so prompt + chosen is the original text.
        if (shared == 0)
            throw new DatasetFormatException("prompt: missing, and chosen/rejected share no leading text to take as the prompt");
        return new ImportItem
        {
            PromptText = chosen[..shared],
            Completions = [new() { Text = chosen[shared..] }, new() { Text = rejected[shared..] }],
        };
    }

    /// <summary>
    /// Where TRL's <c>extract_prompt</c> splits two strings: at the first differing character, one back when the
    /// character before it is a space (the space starts the completions). When one string is a prefix of the other
    /// its loop runs out one short of the end, so the last shared character goes to the completions too.
    /// </summary>
    private static int SharedPrefixLength(string chosen, string rejected)
    {
        int length = Math.Min(chosen.Length, rejected.Length);
        for (int i = 0; i < length; i++)
            if (chosen[i] != rejected[i])
                return i > 0 && chosen[i - 1] == ' ' ? i - 1 : i;
        return Math.Max(0, length - 1);
    }

    private static ImportItem ParseMessages(JsonElement record)
    {
        var messages = ReadMessages(Required(record, "messages"), "messages");
        if (messages.Count < 2 || messages[^1].Role != "assistant")
            throw new DatasetFormatException("messages: must end with an assistant turn after at least one prompt turn");
        var prompt = messages.Take(messages.Count - 1).ToList();
        var completions = new List<ImportCompletion> { new() { Messages = [messages[^1]] } };
        // Alternative answers to the same prompt, so a messages file can still be ranked.
        if (record.TryGetProperty("alternatives", out var alternatives))
        {
            if (alternatives.ValueKind != JsonValueKind.Array) throw new DatasetFormatException("alternatives: must be an array");
            completions.AddRange(alternatives.EnumerateArray().Select((a, i) => ReadCompletion(a, $"alternatives[{i}]")));
        }
        return new ImportItem { PromptMessages = prompt, Completions = completions };
    }

    private static ImportItem ParseQaFeedback(JsonElement record)
    {
        var question = Required(record, "question");
        if (question.ValueKind != JsonValueKind.String) throw new DatasetFormatException("question: must be a string");
        var completions = new List<ImportCompletion>();
        for (int i = 1; record.TryGetProperty($"prediction {i}", out var p); i++)
        {
            if (p.ValueKind != JsonValueKind.String) throw new DatasetFormatException($"prediction {i}: must be a string");
            completions.Add(new ImportCompletion { Text = p.GetString() });
        }
        return new ImportItem { PromptText = question.GetString(), Completions = completions };
    }

    private static (string? Text, IReadOnlyList<Message>? Messages) ReadPrompt(JsonElement record, bool required)
    {
        if (!record.TryGetProperty("prompt", out var prompt) || prompt.ValueKind == JsonValueKind.Null)
            return required ? throw new DatasetFormatException("prompt: required") : (null, null);
        return prompt.ValueKind switch
        {
            JsonValueKind.String when prompt.GetString()!.Length > 0 => (prompt.GetString(), null),
            JsonValueKind.String => throw new DatasetFormatException("prompt: must not be empty"),
            JsonValueKind.Array => (null, ReadMessages(prompt, "prompt")),
            _ => throw new DatasetFormatException("prompt: must be a string or a list of messages"),
        };
    }

    private static ImportCompletion ReadCompletion(JsonElement value, string field)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return new ImportCompletion { Text = value.GetString() };
            case JsonValueKind.Array:
                return new ImportCompletion { Messages = ReadMessages(value, field) };
            case JsonValueKind.Object:
                string? text = null;
                IReadOnlyList<Message>? messages = null;
                if (value.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) text = t.GetString();
                else if (value.TryGetProperty("messages", out var m)) messages = ReadMessages(m, $"{field}.messages");
                else throw new DatasetFormatException($"{field}.text: required (or {field}.messages)");
                return new ImportCompletion
                {
                    Text = text,
                    Messages = messages,
                    SourceModel = value.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null,
                    GenerationParams = value.TryGetProperty("params", out var ps) && ps.ValueKind == JsonValueKind.Object
                        ? ps.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())
                        : null,
                };
            default:
                throw new DatasetFormatException($"{field}: must be a string, a list of messages or an object with 'text'");
        }
    }

    private static List<Message> ReadMessages(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Array) throw new DatasetFormatException($"{field}: must be a list of messages");
        var list = new List<Message>();
        int i = 0;
        foreach (var m in value.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object
                || !m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !m.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw new DatasetFormatException($"{field}[{i}]: must be an object with string 'role' and 'content'");
            list.Add(new Message(role.GetString()!, content.GetString()!));
            i++;
        }
        if (list.Count == 0) throw new DatasetFormatException($"{field}: must not be empty");
        return list;
    }

    private static JsonElement Required(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new DatasetFormatException($"{name}: required");
}
