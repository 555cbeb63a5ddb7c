using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Training.Data;

/// <summary>
/// Reads supervised fine-tuning JSONL in the shapes people already have, deciding per line by its fields:
/// <c>{"prompt", "completion"}</c> (TRL; both strings, or both lists of messages), <c>{"messages": [{"role", "content"}]}</c>
/// (chat; assistant turns are learned) and <c>{"input_text", "output_text"}</c>. UTF-8 only. A bad line stops the read
/// with an error naming the file, the line and the field, because training on silently skipped rows hides bugs.
/// </summary>
public static class SftDatasetReader
{
    static readonly string[] Roles = ["system", "user", "assistant"];

    public static async Task<IReadOnlyList<SftRecord>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var records = new List<SftRecord>();
        await foreach (var record in ReadLinesAsync(path, cancellationToken)) records.Add(record);
        if (records.Count == 0) throw new SftDataException($"{path}: no examples");
        return records;
    }

    static async IAsyncEnumerable<SftRecord> ReadLinesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new SftDataException($"{path}: no such file");
        // Lines are split as bytes and decoded one by one, so invalid UTF-8 is reported at its own line instead of
        // turning into U+FFFD and being trained on.
        var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var pending = new List<byte>();
        var buffer = new byte[1 << 16];
        long line = 0;
        int read;
        do
        {
            read = await stream.ReadAsync(buffer, cancellationToken);
            int start = 0;
            for (int i = 0; i <= read; i++)
            {
                bool endOfFile = read == 0 && i == 0, newline = i < read && buffer[i] == (byte)'\n';
                if (!newline && !endOfFile) continue;
                pending.AddRange(buffer.AsSpan(start, Math.Max(0, i - start)));
                start = i + 1;
                if (endOfFile && pending.Count == 0) break;
                line++;
                var bytes = pending.ToArray().AsSpan();
                pending.Clear();
                if (line == 1 && bytes.StartsWith(Utf8Bom)) bytes = bytes[3..];
                string text;
                try { text = strictUtf8.GetString(bytes); }
                catch (DecoderFallbackException) { throw new SftDataException($"{path}: line {line}: not valid UTF-8"); }
                if (!string.IsNullOrWhiteSpace(text)) yield return Parse(path, line, text);
            }
            if (read > 0) pending.AddRange(buffer.AsSpan(start, Math.Max(0, read - start)));
        } while (read > 0);
    }

    static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    static SftRecord Parse(string path, long line, string text)
    {
        string Where(string? field = null) => field is null ? $"{path}: line {line}" : $"{path}: line {line}: field '{field}'";
        JsonElement row;
        try
        {
            using var document = JsonDocument.Parse(text);
            row = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SftDataException($"{Where()}: invalid JSON ({e.Message.Split(" LineNumber")[0]})");
        }
        if (row.ValueKind != JsonValueKind.Object) throw new SftDataException($"{Where()}: expected a JSON object");

        if (row.TryGetProperty("messages", out var messages))
        {
            var chat = ReadMessages(messages, Where("messages"));
            if (!chat.Any(m => m.Role == "assistant")) throw new SftDataException($"{Where("messages")} has no assistant turn to learn");
            return new SftRecord { Line = line, Messages = chat };
        }
        if (row.TryGetProperty("prompt", out var prompt))
        {
            if (!row.TryGetProperty("completion", out var completion)) throw new SftDataException($"{Where("completion")} is missing");
            if (prompt.ValueKind == JsonValueKind.Array)
            {
                // TRL's conversational prompt/completion: the completion's turns are the ones learned.
                var conversation = ReadMessages(prompt, Where("prompt")).Concat(ReadMessages(completion, Where("completion"))).ToList();
                return new SftRecord { Line = line, Messages = conversation };
            }
            return new SftRecord { Line = line, Prompt = Text(prompt, Where("prompt")), Completion = NonEmpty(completion, Where("completion")) };
        }
        if (row.TryGetProperty("input_text", out var input))
        {
            if (!row.TryGetProperty("output_text", out var output)) throw new SftDataException($"{Where("output_text")} is missing");
            return new SftRecord { Line = line, Prompt = Text(input, Where("input_text")), Completion = NonEmpty(output, Where("output_text")) };
        }
        throw new SftDataException($"{Where()}: expected fields prompt/completion, messages or input_text/output_text");
    }

    static List<Message> ReadMessages(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Array) throw new SftDataException($"{where} must be a list of {{role, content}} messages");
        var messages = new List<Message>();
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            string at = $"{where}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object) throw new SftDataException($"{at} must be an object with role and content");
            if (!item.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                throw new SftDataException($"{at}.role must be a string");
            if (!Roles.Contains(role.GetString())) throw new SftDataException($"{at}.role '{role.GetString()}' is not one of {string.Join(", ", Roles)}");
            if (!item.TryGetProperty("content", out var content)) throw new SftDataException($"{at}.content is missing");
            messages.Add(new Message(role.GetString()!, Text(content, $"{at}.content")));
        }
        if (messages.Count == 0) throw new SftDataException($"{where} is empty");
        return messages;
    }

    static string Text(JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new SftDataException($"{where} must be a string");

    static string NonEmpty(JsonElement value, string where)
    {
        var text = Text(value, where);
        return text.Length > 0 ? text : throw new SftDataException($"{where} is empty: there is nothing to learn");
    }
}
